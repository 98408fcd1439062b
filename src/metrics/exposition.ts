import type { Registry } from 'prom-client';

/** Content type of the Prometheus text format 0.0.4. */
export const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';
/** Content type of OpenMetrics 1.0.0. */
export const OPENMETRICS_TEXT = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

interface FamilyJson {
  name: string;
  help: string;
  type: string;
  values?: { metricName?: string; labels?: Record<string, string | number>; value: number }[];
}

/** Picks OpenMetrics when the Accept header asks for it (as Prometheus does), else the 0.0.4 text format. */
export function negotiate(accept: string | undefined): string {
  return accept?.includes('application/openmetrics-text') ? OPENMETRICS_TEXT : PROMETHEUS_TEXT;
}

/**
 * Renders every family of `registry` in the given format. prom-client's own
 * renderer renames counters in place when asked for OpenMetrics, which would
 * corrupt later 0.0.4 scrapes, so both formats are written here from the JSON form.
 */
export async function render(registry: Registry, contentType: string): Promise<string> {
  const openMetrics = contentType === OPENMETRICS_TEXT;
  const families = (await registry.getMetricsAsJSON()) as unknown as FamilyJson[];
  const lines: string[] = [];
  for (const f of families) {
    const familyName = openMetrics && f.type === 'counter' ? f.name.replace(/_total$/, '') : f.name;
    const type = openMetrics && f.type === 'untyped' ? 'unknown' : f.type;
    lines.push(`# HELP ${familyName} ${escapeHelp(f.help)}`, `# TYPE ${familyName} ${type}`);
    for (const v of f.values ?? []) {
      let name = v.metricName ?? f.name;
      if (openMetrics && f.type === 'counter' && !name.endsWith('_total')) name += '_total';
      lines.push(`${name}${labelText(v.labels)} ${valueText(v.value)}`);
    }
  }
  if (openMetrics) lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

function labelText(labels: Record<string, string | number> | undefined): string {
  if (!labels) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(labels)) {
    if (v === undefined) continue;
    parts.push(`${k}="${escapeLabel(String(v))}"`);
  }
  return parts.length ? `{${parts.join(',')}}` : '';
}

function valueText(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function escapeHelp(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function escapeLabel(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}
