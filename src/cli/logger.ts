import { pino, type Logger } from 'pino';

/**
 * Renders one JSON log line (as createLogger writes it: `ts`, `level`, `msg`, fields) as logfmt
 * (`ts=… level=… msg="…" key=value`), as Prometheus' go-kit logger does; arrays become `a,b`.
 */
export function toLogfmt(line: string): string {
  const { ts, level, msg, ...rest } = JSON.parse(line) as Record<string, unknown>;
  const parts = [`ts=${String(ts)}`, `level=${String(level)}`];
  if (msg !== undefined) parts.push(`msg=${quote(String(msg))}`);
  for (const [k, v] of Object.entries(rest)) parts.push(`${k}=${quote(logfmtValue(v))}`);
  return `${parts.join(' ')}\n`;
}

/** A field value as logfmt text: strings as they are, arrays joined with commas, anything else as JSON. */
function logfmtValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(',');
  return JSON.stringify(v);
}

function quote(s: string): string {
  return /^[^\s"=]+$/.test(s) ? s : JSON.stringify(s);
}

/** The output format of each logger createLogger made, switchable by setLogFormat. */
const formats = new WeakMap<Logger, { format: string }>();

/** Creates the stderr logger for `--log.level` and `--log.format`. */
export function createLogger(level: string, format: string, stream: NodeJS.WritableStream = process.stderr): Logger {
  const current = { format };
  const write = (line: string) => stream.write(current.format === 'json' ? line : toLogfmt(line));
  // Both formats carry the level by name and an ISO 8601 `ts`, like logfmt's level= and ts=.
  const log = pino(
    { level, base: undefined, messageKey: 'msg', timestamp: () => `,"ts":"${new Date().toISOString()}"`, formatters: { level: (label) => ({ level: label }) } },
    { write },
  );
  formats.set(log, current);
  return log;
}

/** Switches a logger made by createLogger to `format` (logfmt or json) from its next line on. */
export function setLogFormat(log: Logger, format: string): void {
  const current = formats.get(log);
  if (current) current.format = format;
}
