import type { OptionName, OptionValues } from './options.js';

/** Options SIGHUP applies to a running `netscore run`; any other change needs a restart. */
const LIVE_OPTIONS: ReadonlySet<OptionName> = new Set(['log.level', 'log.format', 'capture.filter', 'anomaly.top-k', 'anomaly.hold']);

/** Which options differ between the running values and the re-read ones: those SIGHUP applies, and those that need a restart. */
export function diffOptions(running: OptionValues, next: OptionValues): { live: OptionName[]; restart: OptionName[] } {
  const live: OptionName[] = [];
  const restart: OptionName[] = [];
  // Both hold every option (resolveOptions sets each one).
  for (const name of Object.keys(running) as OptionName[]) {
    if (JSON.stringify(running[name]) === JSON.stringify(next[name])) continue;
    (LIVE_OPTIONS.has(name) ? live : restart).push(name);
  }
  return { live, restart };
}
