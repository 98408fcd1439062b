import { isIP } from 'node:net';
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

/** A parameter that is one of a fixed set of words; absent gives undefined. */
export interface ChoiceParam {
  /** The accepted words. */
  choices: readonly string[];
}

/** An IPv4 or IPv6 address, returned in the form netscore prints addresses (IPv6 as RFC 5952); absent gives undefined. */
export interface AddressParam {
  /** Marks the kind. */
  address: true;
}

/** A time, as seconds since the epoch or an ISO 8601 date-time with a zone; returned as seconds since the epoch, absent gives undefined. */
export interface TimeParam {
  /** Marks the kind. */
  time: true;
}

/** One query parameter's kind. */
export type QueryParam = IntParam | ChoiceParam | AddressParam | TimeParam;

/** The value parseQuery returns for a parameter of kind P. */
export type QueryValue<P> = P extends IntParam ? number : P extends TimeParam ? number | undefined : string | undefined;

/**
 * Reads the parameters of `spec` from a parsed query string. Unknown
 * parameters, repeated ones and values that do not fit their kind (integers
 * below min, words not among the choices, text that is no address or time)
 * are rejected with a one-line HttpError 400 naming the parameter.
 */
export function parseQuery<S extends Record<string, QueryParam>>(query: Record<string, unknown>, spec: S): { [K in keyof S]: QueryValue<S[K]> } {
  for (const name of Object.keys(query)) {
    if (!Object.hasOwn(spec, name)) throw new HttpError(400, `unknown query parameter "${clip(name)}" (known: ${Object.keys(spec).join(', ') || 'none'})`);
  }
  const out: Record<string, number | string | undefined> = {};
  for (const [name, p] of Object.entries(spec)) {
    const raw = query[name];
    if (raw !== undefined && typeof raw !== 'string') throw new HttpError(400, `query parameter "${name}" given more than once`);
    out[name] = 'min' in p ? intValue(name, raw, p) : raw === undefined ? undefined : 'choices' in p ? choiceValue(name, raw, p) : 'address' in p ? addressValue(name, raw) : timeValue(name, raw);
  }
  return out as { [K in keyof S]: QueryValue<S[K]> };
}

function intValue(name: string, raw: string | undefined, p: IntParam): number {
  if (raw === undefined) return p.default;
  if (!/^\d{1,15}$/.test(raw) || Number(raw) < p.min) throw new HttpError(400, `query parameter "${name}" must be an integer of at least ${p.min}, got "${clip(raw)}"`);
  return Math.min(Number(raw), p.max);
}

function choiceValue(name: string, raw: string, p: ChoiceParam): string {
  if (!p.choices.includes(raw)) throw new HttpError(400, `query parameter "${name}" must be one of ${p.choices.join(', ')}, got "${clip(raw)}"`);
  return raw;
}

function addressValue(name: string, raw: string): string {
  const version = isIP(raw);
  if (version === 0) throw new HttpError(400, `query parameter "${name}" must be an IPv4 or IPv6 address, got "${clip(raw)}"`);
  // The URL parser writes IPv6 addresses in RFC 5952 form, as netscore prints them.
  return version === 4 ? raw : new URL(`http://[${raw}]/`).hostname.slice(1, -1);
}

function timeValue(name: string, raw: string): number {
  const t = /^\d{1,12}(\.\d+)?$/.test(raw) ? Number(raw) : /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(raw) ? Date.parse(raw) / 1000 : NaN;
  if (!Number.isFinite(t)) throw new HttpError(400, `query parameter "${name}" must be seconds since the epoch or an ISO 8601 date-time such as 2024-05-01T12:00:00Z, got "${clip(raw)}"`);
  return t;
}

/** Shortens client-supplied text echoed in an error line. */
function clip(s: string): string {
  const oneLine = s.replace(/[^\x20-\x7e]/g, '?');
  return oneLine.length > 40 ? `${oneLine.slice(0, 40)}…` : oneLine;
}
