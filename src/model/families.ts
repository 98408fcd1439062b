import { ensembleFamily } from './ensemble.js';
import { hstFamily } from './hst-family.js';
import { iforestFamily } from './iforest-family.js';
import type { ModelFamily } from './types.js';

/** Kind of the family fitted when none is chosen. */
export const DEFAULT_FAMILY = iforestFamily.kind;

/** Known model families by kind. */
const families = new Map<string, ModelFamily>();

/** Makes a family known by its kind; a second family of the same kind is a programming error. */
export function registerModelFamily(family: ModelFamily): void {
  if (families.has(family.kind)) throw new Error(`model family "${family.kind}" is registered twice`);
  families.set(family.kind, family);
}

/** Kinds of the known families, in registration order. */
export function modelFamilyKinds(): string[] {
  return [...families.keys()];
}

/** The family of `kind`; throws a one-line Error naming it and the known kinds when there is none. */
export function modelFamily(kind: string): ModelFamily {
  const family = families.get(kind);
  if (family === undefined) throw new Error(`unknown model family ${JSON.stringify(kind)} (this build knows ${modelFamilyKinds().join(', ')})`);
  return family;
}

registerModelFamily(iforestFamily);
registerModelFamily(hstFamily);
registerModelFamily(ensembleFamily([iforestFamily.kind, hstFamily.kind], modelFamily));
