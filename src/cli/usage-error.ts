/** A usage problem (unknown command or flag, missing argument, an option that does not apply); exit status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
