import type { OptionValues } from './options.js';

/** Options SIGHUP applies to a running `netscore run`; any other change needs a restart. */
const LIVE_OPTIONS: ReadonlySet<string> = new Set(['log.level', 'log.format', 'capture.filter', 'anomaly.top-k', 'anomaly.hold']);

/** Which options differ between the running values and the re-read ones: those SIGHUP applies, and those that need a restart. */
export function diffOptions(running: OptionValues, next: OptionValues): { live: string[]; restart: string[] } {
  const live: string[] = [];
  const restart: string[] = [];
  for (const name of new Set([...Object.keys(running), ...Object.keys(next)])) {
    if (JSON.stringify(running[name]) === JSON.stringify(next[name])) continue;
    (LIVE_OPTIONS.has(name) ? live : restart).push(name);
  }
  return { live, restart };
}
