import type { OptionValues } from './options.js';

/** The `--web.listen-address` values, or `fallback` when none was given. */
export function listenAddresses(o: OptionValues, fallback?: string): string[] {
  const given = o['web.listen-address'] ?? [];
  return given.length > 0 ? given : fallback ? [fallback] : [];
}
