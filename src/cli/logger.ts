import { pino, type Logger } from 'pino';

/** pino's numeric levels by name. */
const LEVEL_NAMES: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/** Renders one pino JSON line as logfmt (`ts=… level=… msg="…" key=value`), as Prometheus' go-kit logger does. */
export function toLogfmt(line: string): string {
  const rec = JSON.parse(line) as Record<string, unknown>;
  const { time, level, msg, pid: _pid, hostname: _host, ...rest } = rec;
  const parts = [`ts=${new Date(time as number).toISOString()}`, `level=${LEVEL_NAMES[level as number] ?? level}`];
  if (msg !== undefined) parts.push(`msg=${quote(String(msg))}`);
  for (const [k, v] of Object.entries(rest)) parts.push(`${k}=${quote(typeof v === 'string' ? v : JSON.stringify(v))}`);
  return `${parts.join(' ')}\n`;
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
  const log = pino({ level, base: undefined, formatters: { level: (_label, number) => ({ level: number }) } }, { write });
  formats.set(log, current);
  return log;
}

/** Switches a logger made by createLogger to `format` (logfmt or json) from its next line on. */
export function setLogFormat(log: Logger, format: string): void {
  const current = formats.get(log);
  if (current) current.format = format;
}
