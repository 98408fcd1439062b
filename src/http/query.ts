import { HttpError } from './http-error.js';

/** An integer query parameter: values above `max` are capped, anything but one integer ≥ `min` is a 400. */
export interface IntParam {
  /** Value when the parameter is absent. */
  default: number;
  /** Smallest accepted value. */
  min: number;
  /** Largest value returned; larger requests are capped to it. */
  max: number;
}

/**
 * Reads the integer parameters of `spec` from a parsed query string. Unknown
 * parameters, repeated ones and values that are not integers ≥ min are
 * rejected with a one-line HttpError 400 naming the parameter.
 */
export function parseQuery<K extends string>(query: Record<string, unknown>, spec: Record<K, IntParam>): Record<K, number> {
  for (const name of Object.keys(query)) {
    if (!Object.hasOwn(spec, name)) throw new HttpError(400, `unknown query parameter "${clip(name)}" (known: ${Object.keys(spec).join(', ') || 'none'})`);
  }
  const out = {} as Record<K, number>;
  for (const name of Object.keys(spec) as K[]) {
    const p = spec[name];
    const raw = query[name];
    if (raw === undefined) {
      out[name] = p.default;
      continue;
    }
    if (typeof raw !== 'string') throw new HttpError(400, `query parameter "${name}" given more than once`);
    if (!/^\d{1,15}$/.test(raw) || Number(raw) < p.min) throw new HttpError(400, `query parameter "${name}" must be an integer of at least ${p.min}, got "${clip(raw)}"`);
    out[name] = Math.min(Number(raw), p.max);
  }
  return out;
}

/** Shortens client-supplied text echoed in an error line. */
function clip(s: string): string {
  const oneLine = s.replace(/[^\x20-\x7e]/g, '?');
  return oneLine.length > 40 ? `${oneLine.slice(0, 40)}…` : oneLine;
}
