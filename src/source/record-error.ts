/** Damage found by a record parser; the caller adds the file name, record number and offset. */
export class RecordError extends Error {
  override name = 'RecordError';
}
