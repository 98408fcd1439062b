/** Thrown for model data that is not valid; the message is one line and names no file. */
export class ModelDocError extends Error {}

/** Asserts a condition about model data; throws ModelDocError with `problem` otherwise. */
export function check(condition: boolean, problem: string): asserts condition {
  if (!condition) throw new ModelDocError(problem);
}

/** Quotes a value from model data for an error message, escaped to one short line. */
export function quote(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
