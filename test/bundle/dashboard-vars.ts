/**
 * Grafana's template substitution for the live dashboard tests: every
 * variable at its "All" value (custom and datasource ones at their current
 * value), $__rate_interval at 10s (4 scrape intervals, as Grafana computes it
 * for a 1 s scrape) and $__range at the given span.
 */

type Json = Record<string, any>;

/** Substitutes template variables as Grafana would with every variable at "All" (custom ones at their default). */
export function substitute(expr: string, vars: Json[], range: string): string {
  let out = expr.replaceAll('$__rate_interval', '10s').replaceAll('$__range', range);
  for (const v of vars) {
    const value = v.type === 'custom' ? String(v.current.value) : v.type === 'datasource' ? String(v.current.value) : String(v.allValue ?? '.*');
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
export function panelQueries(dashboard: Json): PanelQuery[] {
  const panels = (dashboard.panels as Json[]).flatMap((p) => (p.type === 'row' ? (p.panels ?? []) : [p]));
  return panels.flatMap((p) => ((p.targets ?? []) as Json[]).map((t) => ({ panel: p.title as string, refId: t.refId as string, expr: t.expr as string, instant: t.instant === true })));
}
