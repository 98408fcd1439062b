import type { Options } from 'yargs';
import type { OptionSpec } from './options.js';

/** The largest binary unit that divides `n` bytes exactly: 104857600 → "100MiB". */
export function formatBytes(n: number): string {
  for (const [unit, size] of [['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) {
    if (n >= size && n % size === 0) return `${n / size}${unit}`;
  }
  return String(n);
}

/** The largest unit that divides `seconds` exactly: 300 → "5m", 0.25 → "250ms". */
export function formatDuration(seconds: number): string {
  for (const [unit, size] of [['d', 86_400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (seconds >= size && seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return seconds < 1 ? `${Math.round(seconds * 1000)}ms` : `${seconds}s`;
}

/** How a value of `spec` reads in help and completion: sizes and durations with units. */
export function formatValue(spec: OptionSpec, value: unknown): string {
  if (spec.kind === 'bytes') return formatBytes(value as number);
  if (spec.kind === 'duration') return formatDuration(value as number);
  return Array.isArray(value) ? value.join(',') : String(value);
}

/** What a value of each numeric kind is, in help (yargs would call them all strings). */
const KIND_LABEL: Partial<Record<OptionSpec['kind'], string>> = { int: 'integer', number: 'number', duration: 'duration', bytes: 'size' };

/**
 * The yargs declaration of `spec` in `group`; with `help`, it carries the help
 * line, otherwise it is hidden (laying out help costs ~0.1 s at start-up).
 * Values stay text for yargs: resolveOptions parses and checks them.
 */
export function yargsOption(spec: OptionSpec, group: string, help: boolean): Options {
  const label = KIND_LABEL[spec.kind];
  const tags = [label ? `[${label}]` : '', spec.default === undefined ? '' : `[default: ${formatValue(spec, spec.default)}]`].filter(Boolean).join(' ');
  const describe = `${spec.describe}${spec.choices ? ` (${spec.choices.join('|')})` : ''}${tags ? ` ${tags}` : ''}`;
  return {
    ...(spec.kind === 'boolean' ? { type: 'boolean' } : spec.kind === 'list' ? { type: 'array' } : spec.kind === 'string' ? { type: 'string' } : {}),
    requiresArg: spec.kind !== 'boolean' && spec.kind !== 'list',
    ...(help ? { describe, group } : { hidden: true }),
  };
}
