/**
 * Grafana's template substitution for the live dashboard tests: every
 * variable at its "All" value (custom and datasource ones at their current
 * value), $__rate_interval at 10s (4 scrape intervals, as Grafana computes it
 * for a 1 s scrape) and $__range at the given span.
 */

/** A dashboard template variable, as far as these tests read it. */
export interface TemplateVar {
  name: string;
  type: string;
  allValue?: string;
  current?: { value: unknown };
  definition?: string;
}

/** A dashboard panel (or row of panels), as far as these tests read it. */
interface Panel {
  type: string;
  title: string;
  panels?: Panel[];
  targets?: { refId: string; expr: string; instant?: boolean }[];
}

/** Substitutes template variables as Grafana would with every variable at "All" (custom ones at their default). */
export function substitute(expr: string, vars: readonly TemplateVar[], range: string): string {
  let out = expr.replaceAll('$__rate_interval', '10s').replaceAll('$__range', range);
  for (const v of vars) {
    const value = v.type === 'custom' || v.type === 'datasource' ? String(v.current?.value) : String(v.allValue ?? '.*');
    out = out.replaceAll(`\${${v.name}}`, value).replace(new RegExp(`\\$${v.name}\\b`, 'g'), value);
  }
  return out;
}

/** One query of a dashboard panel. */
export interface PanelQuery {
  panel: string;
  refId: string;
  expr: string;
  instant: boolean;
}

/** Every query of a dashboard's panels, those inside rows included. */
export function panelQueries(dashboard: { panels?: unknown }): PanelQuery[] {
  const panels = (dashboard.panels as Panel[]).flatMap((p) => (p.type === 'row' ? (p.panels ?? []) : [p]));
  return panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, refId: t.refId, expr: t.expr, instant: t.instant === true })));
}
