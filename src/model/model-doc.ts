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

/** Typed array contents as little-endian base64, independent of host byte order. */
export function encodeArray(values: Int32Array | Float64Array): string {
  const bytes = Buffer.alloc(values.byteLength);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  if (values instanceof Float64Array) for (let i = 0; i < values.length; i++) view.setFloat64(i * 8, values[i], true);
  else for (let i = 0; i < values.length; i++) view.setInt32(i * 4, values[i], true);
  return bytes.toString('base64');
}

/** Decodes a strict base64 string of little-endian int32 or float64 values. */
export function decodeArray(text: unknown, type: 'int32' | 'float64', where: string): Int32Array | Float64Array {
  check(typeof text === 'string', `${where} is not a base64 string`);
  // Buffer.from silently skips bad characters, so validate the alphabet first.
  check(text.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(text), `${where} is not valid base64`);
  const bytes = Buffer.from(text, 'base64');
  const width = type === 'float64' ? 8 : 4;
  check(bytes.length % width === 0, `${where} has ${bytes.length} bytes, not a multiple of ${width}`);
  const n = bytes.length / width;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  if (type === 'float64') {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = view.getFloat64(i * 8, true);
    return out;
  }
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = view.getInt32(i * 4, true);
  return out;
}
