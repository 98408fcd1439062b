/**
 * Wraps an I/O failure on `file` in an Error whose message is one line naming
 * the output and file and carrying the errno text, e.g.
 * `anomaly log /var/log/a.jsonl: ENOSPC: no space left on device, write`.
 */
export function fileError(what: string, file: string, cause: unknown): Error {
  const detail = cause instanceof Error ? cause.message : String(cause);
  // Callers print the message as a single log line; a newline would split it.
  return new Error(`${what} ${file}: ${detail.replace(/\s*\n\s*/g, ' ')}`, { cause });
}
