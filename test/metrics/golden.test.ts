import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { OPTIONS, resolveOptions } from '../../src/cli/options.js';
import { replayFiles } from '../../src/cli/replay.js';
import { OPENMETRICS_TEXT, PROMETHEUS_TEXT, render } from '../../src/metrics/exposition.js';
import { addDefaultMetrics } from '../../src/metrics/registry.js';

const dir = path.resolve(import.meta.dirname, '..', 'fixtures', 'golden');
const files = ['tunnel-gre.pcap', 'eth-http-ipv4-and-ipv6.pcapng', 'ipv4-invalid-ihl.pcap'].map((f) => path.join(dir, f));
const golden = path.join(dir, 'metrics.prom');

/** Drops the process default metrics, pins the build labels, which vary by machine, and zeroes the window-close times (not their count). */
function stable(text: string): string {
  const keep: string[] = [];
  for (const block of text.split(/\n(?=# HELP )/)) {
    if (/^# HELP (process_|nodejs_)/.test(block)) continue;
    if (block.startsWith('# HELP netscore_window_close_duration_seconds ')) {
      keep.push(block.replace(/^(netscore_window_close_duration_seconds_(?:bucket\{le="[^+][^"]*"\}|sum)) \S+$/gm, '$1 0'));
      continue;
    }
    keep.push(block.replace(/nodejs="[^"]*"/, 'nodejs="vX"').replace(/revision="[^"]*"/, 'revision="X"').replace(/version="[^"]*"/, 'version="X"'));
  }
  return `${keep.join('\n').trimEnd()}\n`;
}

async function replayGolden() {
  const o = resolveOptions(OPTIONS, { 'flow.max': '1000' }, {});
  return replayFiles(files, o, pino({ level: 'silent' }));
}

describe('golden /metrics exposition', () => {
  it('matches metrics.prom after replaying the golden fixtures', async () => {
    const { registry, errors } = await replayGolden();
    expect(errors).toEqual([]);
    const text = stable(await render(registry, PROMETHEUS_TEXT));
    if (process.env.UPDATE_GOLDEN || !existsSync(golden)) writeFileSync(golden, text);
    expect(text).toBe(readFileSync(golden, 'utf8'));
  });

  it('passes promtool check metrics, default metrics included', async () => {
    const { registry } = await replayGolden();
    // A replay that serves nothing leaves the process metrics out; serve() adds them like this.
    addDefaultMetrics(registry);
    expect(registry.getSingleMetric('process_cpu_seconds_total')).toBeDefined();
    const text = await render(registry, PROMETHEUS_TEXT);
    // promtool exits non-zero and names the problem when the exposition breaks a naming or format rule.
    const out = execFileSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
    expect(out).toBe('');
  });

  it('keeps metrics.prom itself a valid exposition for promtool', () => {
    const out = execFileSync('promtool', ['check', 'metrics'], { input: readFileSync(golden, 'utf8'), encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
    expect(out).toBe('');
  });

  it('renders OpenMetrics with counter families named without _total and a final # EOF', async () => {
    const { registry } = await replayGolden();
    const text = await render(registry, OPENMETRICS_TEXT);
    expect(text).toContain('# TYPE netscore_packets counter\n');
    expect(text).toMatch(/^netscore_packets_total\{interface="[^"]+",protocol="tcp"\} \d+$/m);
    expect(text.endsWith('# EOF\n')).toBe(true);
  });
});
