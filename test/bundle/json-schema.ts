/**
 * A small JSON Schema (draft-07 subset) validator, enough for
 * grafana-dashboard.schema.json. Supported keywords: $ref (local
 * "#/definitions/..." only), type, enum, const, properties, required,
 * additionalProperties (boolean or schema), items (single schema), minimum,
 * maximum, minLength, minItems, pattern, oneOf, anyOf. Any other keyword
 * throws, so the schema cannot silently rely on something unchecked.
 */

/** A schema node. */
export type Schema = { [k: string]: unknown } | boolean;

const KNOWN = new Set([
  '$schema', '$comment', '$ref', 'definitions', 'type', 'enum', 'const', 'properties', 'required',
  'additionalProperties', 'items', 'minimum', 'maximum', 'minLength', 'minItems', 'pattern', 'oneOf', 'anyOf',
]);

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(v: unknown, t: string): boolean {
  const actual = typeOf(v);
  return actual === t || (t === 'number' && actual === 'integer');
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Validates `value` against `schema`; returns error strings ("path: message"), empty when valid. */
export function validate(value: unknown, schema: Schema, root: Schema = schema, path = '$'): string[] {
  if (schema === true) return [];
  if (schema === false) return [`${path}: no value allowed`];
  for (const k of Object.keys(schema)) if (!KNOWN.has(k)) throw new Error(`unsupported schema keyword "${k}" at ${path}`);
  const errs: string[] = [];

  if (typeof schema.$ref === 'string') {
    const m = /^#\/definitions\/(.+)$/.exec(schema.$ref);
    const defs = (root as { definitions?: Record<string, Schema> }).definitions ?? {};
    if (!m || !(m[1] in defs)) throw new Error(`unresolvable $ref ${schema.$ref}`);
    errs.push(...validate(value, defs[m[1]], root, path));
  }
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!types.some((t) => typeMatches(value, t))) {
      return [...errs, `${path}: expected ${types.join('|')}, got ${typeOf(value)}`];
    }
  }
  if (schema.enum !== undefined && !(schema.enum as unknown[]).some((e) => deepEqual(e, value))) {
    errs.push(`${path}: ${JSON.stringify(value)} not in ${JSON.stringify(schema.enum)}`);
  }
  if ('const' in schema && !deepEqual(schema.const, value)) {
    errs.push(`${path}: expected ${JSON.stringify(schema.const)}, got ${JSON.stringify(value)}`);
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) errs.push(`${path}: ${value} < minimum ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) errs.push(`${path}: ${value} > maximum ${schema.maximum}`);
  }
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) errs.push(`${path}: shorter than ${schema.minLength}`);
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) errs.push(`${path}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) errs.push(`${path}: fewer than ${schema.minItems} items`);
    if (schema.items !== undefined) for (const [i, item] of value.entries()) errs.push(...validate(item, schema.items as Schema, root, `${path}[${i}]`));
  }
  if (typeOf(value) === 'object') {
    const obj = value as Record<string, unknown>;
    for (const r of (schema.required as string[] | undefined) ?? []) if (!(r in obj)) errs.push(`${path}: missing required "${r}"`);
    const props = (schema.properties as Record<string, Schema> | undefined) ?? {};
    for (const [k, v] of Object.entries(obj)) {
      if (k in props) errs.push(...validate(v, props[k], root, `${path}.${k}`));
      else if (schema.additionalProperties !== undefined) errs.push(...validate(v, schema.additionalProperties as Schema, root, `${path}.${k}`));
    }
  }
  if (schema.anyOf !== undefined) {
    const branches = (schema.anyOf as Schema[]).map((s) => validate(value, s, root, path));
    if (!branches.some((b) => b.length === 0)) errs.push(`${path}: matches no anyOf branch (${branches.map((b) => b[0]).join(' / ')})`);
  }
  if (schema.oneOf !== undefined) {
    const branches = (schema.oneOf as Schema[]).map((s) => validate(value, s, root, path));
    const ok = branches.filter((b) => b.length === 0).length;
    if (ok > 1) errs.push(`${path}: matches ${ok} oneOf branches, want 1`);
    if (ok === 0) {
      // Report the closest branch in full: that is the one the author meant.
      const closest = branches.reduce((a, b) => (b.length < a.length ? b : a));
      errs.push(`${path}: matches no oneOf branch; closest:`, ...closest);
    }
  }
  return errs;
}
