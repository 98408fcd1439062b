/** The key of `label` in an id table: `renamed`'s key for it, "NONE" for the empty label, else its upper-case form. */
type IdKey<S extends string, R> = S extends keyof R ? (R[S] extends string ? R[S] : never) : S extends '' ? 'NONE' : Uppercase<S>;

/** Ids by key for a label list: each label's id is its index in the list. */
export type Ids<L extends readonly string[], R = Record<never, never>> = { readonly [I in keyof L & `${number}` as IdKey<L[I], R>]: I extends `${infer N extends number}` ? N : never };

/**
 * The id table of a label list (the list is the one definition: label i has
 * id i): `ids(['', 'ipv4'])` is `{ NONE: 0, IPV4: 1 }`. Labels that are not
 * identifiers in upper case get their key from `renamed`.
 */
export function ids<const L extends readonly string[], const R extends { readonly [label: string]: string } = Record<never, never>>(labels: L, renamed?: R): Ids<L, R> {
  const rename = (renamed ?? {}) as Readonly<Record<string, string>>;
  return Object.freeze(Object.fromEntries(labels.map((label, i) => [rename[label] ?? (label === '' ? 'NONE' : label.toUpperCase()), i]))) as Ids<L, R>;
}
