import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { DEFAULT_HISTORY_SIZE } from '../features/host-history.js';
import { DEFAULT_DOORKEEPER_SLOTS } from '../features/doorkeeper.js';
import { HTTP_LIMIT_DEFAULTS } from '../http/limits.js';
import { DEFAULT_MAX_DEPTH } from '../decode/max-depth.js';
import { BYTES_PER_FLOW, DEFAULT_MAX_FLOWS, DEFAULT_TIMEOUTS } from '../flows/flow-table.js';
import { DEFAULT_FAMILY, modelFamilyKinds } from '../model/families.js';
import { DEFAULT_TAIL, TAIL_MODELS } from '../model/threshold.js';
import { FANOUT_MODES, MAX_FANOUT_GROUP } from '../source/fanout.js';
import { parseDuration } from '../util/duration.js';
import { fileProblem } from './file-problem.js';

/** A CommonJS require, so that the YAML parser is loaded only when a config file is read (most runs read none). */
const require = createRequire(import.meta.url);

/** How an option's text is turned into a value. */
export type OptionKind = 'string' | 'int' | 'number' | 'duration' | 'bytes' | 'boolean' | 'list';

/** One command-line option, also settable from the environment and the config file. */
export interface OptionSpec {
  /** Flag name without dashes, e.g. `web.listen-address`. */
  name: string;
  /** Value kind. */
  kind: OptionKind;
  /** One-line help. */
  describe: string;
  /** Default value (already parsed); undefined means unset. */
  default?: unknown;
  /** Allowed values, for string options. */
  choices?: readonly string[];
  /** Smallest allowed value, for numeric kinds (inclusive). */
  min?: number;
  /** Largest allowed value, for numeric kinds (inclusive). */
  max?: number;
  /** Help group heading. */
  group: string;
  /** For `int` options: "auto" is accepted and means one per available core but one (at least 1). */
  auto?: boolean;
}

/** The value type of each option kind. */
interface KindValue {
  string: string;
  int: number;
  number: number;
  duration: number;
  bytes: number;
  boolean: boolean;
  list: string[];
}

/** Every option netscore knows, in help order. Adding an option is one line here. */
export const OPTIONS = [
  { group: 'Web', name: 'web.listen-address', kind: 'list', describe: 'Address to serve metrics on, host:port, :port or [ipv6]:port; repeat for several (default :10811 for run; replay serves only when given).' },
  { group: 'Web', name: 'web.config.file', kind: 'string', describe: 'Web config file (exporter-toolkit format: TLS, basic auth, headers), re-read when it changes; see docs/security.md.' },
  { group: 'Web', name: 'web.read-timeout', kind: 'duration', describe: 'Most time to receive an HTTP request (headers included) or finish a TLS handshake; a connection silent for twice as long is closed.', default: 10, min: 0.1, max: 3600 },
  { group: 'Web', name: 'web.max-connections', kind: 'int', describe: 'Most open HTTP connections per listen address; more are closed at once.', default: 512, min: 1, max: 65_535 },
  { group: 'Web', name: 'web.max-header-size', kind: 'bytes', describe: 'Largest HTTP request line plus headers accepted; larger requests get 431.', default: 8192, min: 1024, max: 1024 * 1024 },
  { group: 'Web', name: 'web.telemetry-path', kind: 'string', describe: 'Path under which to expose metrics: absolute, exact and case-sensitive, e.g. /metrics.', default: '/metrics' },
  { group: 'Web', name: 'web.max-connections-per-client', kind: 'int', describe: 'Most open HTTP connections from one client address per listen address; more are closed at once.', default: HTTP_LIMIT_DEFAULTS.maxConnectionsPerClient, min: 1, max: 65_535 },
  { group: 'Web', name: 'web.reserved-connections', kind: 'int', describe: 'HTTP connection slots (at most a quarter of --web.max-connections) kept for addresses that sent an accepted request in the last 10 minutes.', default: HTTP_LIMIT_DEFAULTS.reservedConnections, min: 0, max: 65_535 },
  { group: 'Web', name: 'web.first-request-timeout', kind: 'duration', describe: 'Most time from opening an HTTP connection (TLS handshake included) to its first request; silent connections are closed.', default: HTTP_LIMIT_DEFAULTS.firstRequestTimeoutMs / 1000, min: 0.1, max: 3600 },
  { group: 'Web', name: 'web.max-pipelined-requests', kind: 'int', describe: 'Most HTTP requests one connection may have waiting for their answers; a client sending more is disconnected.', default: HTTP_LIMIT_DEFAULTS.maxPipelinedRequests, min: 1, max: 1024 },
  { group: 'Web', name: 'web.auth.max-checks-per-client', kind: 'int', describe: 'Most password checks one client address may have under way; more get 429 at once.', default: HTTP_LIMIT_DEFAULTS.maxChecksPerClient, min: 1, max: 16 },
  { group: 'Logging', name: 'log.level', kind: 'string', describe: 'Only log messages with the given severity or above.', default: 'info', choices: ['debug', 'info', 'warn', 'error'] },
  { group: 'Logging', name: 'log.format', kind: 'string', describe: 'Output format of log messages.', default: 'logfmt', choices: ['logfmt', 'json'] },
  { group: 'Config', name: 'config.file', kind: 'string', describe: 'YAML file setting any of these options (flags and NETSCORE_* environment variables take precedence).' },
  { group: 'Flows', name: 'flow.max', kind: 'int', describe: `Maximum flows held at once; beyond it the least recently seen flow is evicted (${BYTES_PER_FLOW} bytes each in the flow table; docs/security.md gives the total with scoring).`, default: DEFAULT_MAX_FLOWS, min: 1, max: 50_000_000 },
  { group: 'Flows', name: 'flow.timeout.tcp', kind: 'duration', describe: 'Idle timeout of an open TCP flow.', default: DEFAULT_TIMEOUTS.tcp, min: 0.001 },
  { group: 'Flows', name: 'flow.timeout.tcp-closed', kind: 'duration', describe: 'Idle timeout of a TCP flow after FIN or RST.', default: DEFAULT_TIMEOUTS.tcpClosed, min: 0.001 },
  { group: 'Flows', name: 'flow.timeout.udp', kind: 'duration', describe: 'Idle timeout of a UDP flow.', default: DEFAULT_TIMEOUTS.udp, min: 0.001 },
  { group: 'Flows', name: 'flow.timeout.icmp', kind: 'duration', describe: 'Idle timeout of an ICMP or ICMPv6 flow.', default: DEFAULT_TIMEOUTS.icmp, min: 0.001 },
  { group: 'Flows', name: 'flow.timeout.other', kind: 'duration', describe: 'Idle timeout of flows of other IP protocols.', default: DEFAULT_TIMEOUTS.other, min: 0.001 },
  { group: 'Flows', name: 'flow.timeout.active', kind: 'duration', describe: 'Age after which a busy flow is ended and restarted.', default: DEFAULT_TIMEOUTS.active, min: 0.001 },
  { group: 'Decoding', name: 'decode.max-depth', kind: 'int', describe: 'Maximum nesting of tags, labels, extension headers and tunnels before a packet is counted as too deep.', default: DEFAULT_MAX_DEPTH, min: 1, max: 1024 },
  { group: 'Scoring', name: 'scoring', kind: 'boolean', describe: 'Score hosts: per-host window features, the model and anomalies; --no-scoring exports traffic and flow metrics only and ignores the other Scoring and Anomalies options and --scores-out.', default: true },
  { group: 'Scoring', name: 'window', kind: 'duration', describe: 'Length of the per-host feature windows that are scored.', default: 10, min: 1, max: 3600 },
  { group: 'Scoring', name: 'hosts.max', kind: 'int', describe: 'Most source hosts tracked per window; the least active beyond it are counted, not tracked.', default: 10_000, min: 1, max: 1_000_000 },
  { group: 'Scoring', name: 'hosts.history', kind: 'int', describe: 'Most (host, destination, port) services the host history remembers, for new-service, prevalence and beacon signals; the least recently used beyond it are forgotten and counted.', default: DEFAULT_HISTORY_SIZE, min: 16, max: 10_000_000 },
  { group: 'Scoring', name: 'hosts.doorkeeper', kind: 'int', describe: 'First sightings each admission filter remembers (host-destination pairs, host services, hosts): one of these enters the cross-window tables (regularity, beacons, host history) only when seen again, so sources seen once (a spoofed flood) do not flush them; a first sighting dropped for a newer one is counted, and that key enters a sighting later.', default: DEFAULT_DOORKEEPER_SLOTS, min: 2, max: 16_777_216 },
  { group: 'Scoring', name: 'model.kind', kind: 'string', describe: 'Model family fitted by online learning and `netscore train` (a --model.file scores with the family it was trained with).', default: DEFAULT_FAMILY, choices: modelFamilyKinds() },
  { group: 'Scoring', name: 'model.file', kind: 'string', describe: 'Model trained by `netscore train`; without it netscore learns online.' },
  { group: 'Scoring', name: 'model.state-dir', kind: 'string', describe: 'Directory where the online model and its training reservoir are kept across restarts, so a restart does not warm up again (not with --model.file, which is never retrained).' },
  { group: 'Scoring', name: 'model.warmup', kind: 'duration', describe: 'Traffic time to learn from before the first online model.', default: 600, min: 1 },
  { group: 'Scoring', name: 'model.retrain-interval', kind: 'duration', describe: 'Traffic time between online retrains on recent unflagged windows.', default: 3600, min: 1 },
  { group: 'Scoring', name: 'model.reservoir-size', kind: 'int', describe: 'Unflagged host-windows kept for retraining.', default: 20_000, min: 64, max: 10_000_000 },
  { group: 'Scoring', name: 'model.seed', kind: 'int', describe: 'Seed of the model, so runs are reproducible.', default: 1, min: 0 },
  { group: 'Scoring', name: 'model.threshold-tail', kind: 'string', describe: 'How the alert threshold extrapolates the training scores to the false-alarm rate: an exponential tail, a generalized Pareto tail, or the higher of the two (see docs/detection.md).', default: DEFAULT_TAIL, choices: TAIL_MODELS },
  { group: 'Scoring', name: 'model.false-alarm-rate', kind: 'number', describe: 'Target share of normal host-windows above the threshold (default: one per host per day, window/86400).', min: 1e-9, max: 0.5 },
  { group: 'Anomalies', name: 'anomaly.log-file', kind: 'string', describe: 'Append one JSON line per anomaly to this file (rotated by size).' },
  { group: 'Anomalies', name: 'anomaly.log-max-size', kind: 'bytes', describe: 'Size at which the anomaly log is rotated (5 rotated files are kept).', default: 100 * 1024 * 1024, min: 4096 },
  { group: 'Anomalies', name: 'anomaly.ring-size', kind: 'int', describe: 'Recent anomalies kept for /api/anomalies and the landing page.', default: 1000, min: 1, max: 1_000_000 },
  { group: 'Anomalies', name: 'anomaly.max-per-window', kind: 'int', describe: 'Most anomalies reported per window, highest scores first; the rest are counted in netscore_anomalies_suppressed_total.', default: 100, min: 1, max: 1_000_000 },
  { group: 'Anomalies', name: 'anomaly.min-one-sided-packets', kind: 'int', describe: 'A host-window in which the host sent fewer packets than this and got nothing back (no packet, no ICMP unreachable) is not flagged: too thin to judge (a capture missing the answers, a broadcast exchange); counted in netscore_anomalies_one_sided_total. 0 flags them.', default: 16, min: 0, max: 1_000_000 },
  { group: 'Anomalies', name: 'anomaly.top-k', kind: 'int', describe: 'Hosts in the netscore_top_host_anomaly_score gauge.', default: 10, min: 1, max: 1000 },
  { group: 'Anomalies', name: 'anomaly.hold', kind: 'duration', describe: 'How long a flagged host stays in the top-k gauge.', default: 300, min: 1 },
  { group: 'Anomalies', name: 'incident.gap', kind: 'int', describe: 'Unflagged windows that may separate two flagged windows of one incident.', default: 1, min: 0, max: 1000 },
  { group: 'Anomalies', name: 'incident.max-open', kind: 'int', describe: 'Most open incidents; one more closes the least recently active early (netscore_incidents_evicted_total{table="open"}).', default: 256, min: 1, max: 100_000 },
  { group: 'Anomalies', name: 'incident.max-closed', kind: 'int', describe: 'Closed incidents kept for /api/incidents and the landing page; older ones are forgotten (netscore_incidents_evicted_total{table="closed"}).', default: 1000, min: 1, max: 1_000_000 },
  { group: 'Anomalies', name: 'incident.baseline-hosts', kind: 'int', describe: 'Most hosts whose own baseline (mean of their recent unflagged windows) is kept to explain incidents; the least recently seen are evicted.', default: 10_000, min: 1, max: 10_000_000 },
  { group: 'Anomalies', name: 'scores-out', kind: 'string', describe: 'Write one CSV row per scored host-window (window_start,host,score,flagged).' },
  { group: 'Capture', name: 'capture.interface', kind: 'list', describe: 'Interface to capture on; repeat or comma-separate for several, "any" for all (default: the interface of the default route).' },
  { group: 'Capture', name: 'capture.filter', kind: 'string', describe: 'BPF filter expression (tcpdump syntax) applied in the kernel.' },
  { group: 'Capture', name: 'capture.snaplen', kind: 'int', describe: 'Bytes kept per packet; enough for the headers and DNS names netscore reads.', default: 256, min: 64, max: 262_144 },
  { group: 'Capture', name: 'capture.buffer-size', kind: 'bytes', describe: 'Kernel capture buffer per interface.', default: 64 * 1024 * 1024, min: 65_536, max: 2 ** 31 - 1 },
  { group: 'Capture', name: 'capture.promiscuous', kind: 'boolean', describe: 'Put the interface in promiscuous mode (needs CAP_NET_ADMIN).', default: true },
  { group: 'Workers', name: 'capture.workers', kind: 'int', auto: true, describe: 'Capture worker threads; each decodes, tracks flows and accumulates window features for its share of the flows (a symmetric 5-tuple hash; in a replay each worker reads the whole file itself), and the main thread merges, scores and serves; "auto" is one per core but one, and 1 keeps the whole packet path on the main thread (docs/scaling.md).', default: 1, min: 1, max: 256 },
  { group: 'Capture files', name: 'capture.max-interfaces', kind: 'int', describe: 'Interface description blocks a pcapng section may declare; a file with more stops at the first one too many.', default: 1024, min: 1, max: 65_536 },
  { group: 'Capture', name: 'run-as', kind: 'string', describe: 'After opening the capture handles as root, switch to this user, keeping only CAP_NET_RAW and CAP_NET_ADMIN so that interfaces can be reopened.' },
  { group: 'Capture', name: 'capture.fanout-group', kind: 'int', describe: 'Linux PACKET_FANOUT group that the capture workers of an interface join, shared by every process on the host (default: an id derived per interface that no other socket holds); only with --capture.workers 2 or more.', min: 0, max: MAX_FANOUT_GROUP },
  { group: 'Capture', name: 'capture.fanout-mode', kind: 'string', describe: 'How the kernel spreads an interface\'s packets over the capture workers: hash keeps both directions of a flow on one worker (IPv4 fragments arrive reassembled), lb takes turns, cpu follows the receiving CPU; only with --capture.workers 2 or more.', default: 'hash', choices: FANOUT_MODES },
  { group: 'Replay', name: 'replay.loop', kind: 'int', describe: 'Replay the files this many times, each pass shifted in time to follow the one before (as tcpreplay --loop); 0 repeats until stopped.', default: 1, min: 0 },
  { group: 'Replay', name: 'replay.speed', kind: 'number', describe: 'Replay at N times real time; 0 replays as fast as possible.', default: 0, min: 0 },
  { group: 'Replay', name: 'replay.hold', kind: 'boolean', describe: 'Keep serving the page and /metrics after the replay ends, until SIGINT or SIGTERM (needs --web.listen-address).', default: false },
  { group: 'Replay', name: 'summary', kind: 'boolean', describe: 'Print a JSON summary to stdout when the replay ends.', default: false },
] as const satisfies readonly OptionSpec[];

/** One declared option. */
type Declared = (typeof OPTIONS)[number];

/** The name of a declared option, e.g. `flow.max`. */
export type OptionName = Declared['name'];

/** The parsed value of one declared option: a choice, or its kind's type. */
type ValueOf<S extends Declared> = S extends { choices: readonly (infer C)[] } ? C : KindValue[S['kind']];

/** Option values by flag name, after defaults, config file, environment and flags are merged; options without a default may be undefined. */
export type OptionValues = { [S in Declared as S['name']]: S extends { default: unknown } ? ValueOf<S> : ValueOf<S> | undefined };

/** Every option at its default, as a run without flags, environment or config file has them. */
export function defaultOptions(): OptionValues {
  return resolveOptions(OPTIONS, {}, {});
}

/** The spec of option `name`, if it is one. */
export function optionSpec(name: string): OptionSpec | undefined {
  return (OPTIONS as readonly OptionSpec[]).find((o) => o.name === name);
}

/** A bad option value; its message names the option and is one line. */
export class OptionError extends Error {
  override name = 'OptionError';
}

/** Environment variable that sets `name`, e.g. NETSCORE_WEB_LISTEN_ADDRESS. */
export function envName(name: string): string {
  return `NETSCORE_${name.toUpperCase().replace(/[.-]/g, '_')}`;
}

/** Parses one option value from text (or a YAML scalar); `origin` names where it came from. */
export function parseValue(spec: OptionSpec, raw: unknown, origin: string): unknown {
  const bad = (want: string) => new OptionError(`invalid value for ${origin}: ${JSON.stringify(raw)} (want ${want})`);
  const text = typeof raw === 'string' ? raw.trim() : raw;
  let value: unknown;
  switch (spec.kind) {
    case 'string':
      if (typeof text !== 'string' && typeof text !== 'number') throw bad('a string');
      value = String(text);
      if (spec.choices && !spec.choices.includes(value as string)) throw bad(`one of ${spec.choices.join(', ')}`);
      return value;
    case 'boolean':
      if (typeof text === 'boolean') return text;
      if (text === 'true' || text === '1' || text === '') return true;
      if (text === 'false' || text === '0') return false;
      throw bad('true or false');
    case 'list':
      if (Array.isArray(text)) return text.map(String);
      if (typeof text === 'string') return text.split(',').map((s) => s.trim()).filter(Boolean);
      throw bad('a comma-separated list');
    case 'int':
    case 'number': {
      if (spec.auto && text === 'auto') return Math.max(1, availableParallelism() - 1);
      const n = typeof text === 'number' ? text : typeof text === 'string' && text !== '' ? Number(text) : NaN;
      if (!Number.isFinite(n) || (spec.kind === 'int' && !Number.isInteger(n))) throw bad(`${spec.kind === 'int' ? 'an integer' : 'a number'}${spec.auto ? ' or auto' : ''}`);
      value = n;
      break;
    }
    case 'duration': {
      const n = typeof text === 'number' ? text : parseDuration(String(text));
      if (n === undefined) throw bad('a duration such as 10s, 5m, 1h or 250ms');
      value = n;
      break;
    }
    case 'bytes': {
      const n = typeof text === 'number' ? text : parseBytes(String(text));
      if (n === undefined) throw bad('a size such as 65536, 64MiB or 1GiB');
      value = n;
      break;
    }
  }
  const n = value as number;
  if (spec.min !== undefined && n < spec.min) throw bad(`at least ${spec.min}`);
  if (spec.max !== undefined && n > spec.max) throw bad(`at most ${spec.max}`);
  return value;
}

/** Parses sizes like 65536, 64KiB, 64MiB, 1GiB, 10MB. */
function parseBytes(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(|B|KB|KiB|MB|MiB|GB|GiB)$/i.exec(text);
  if (!m) return undefined;
  const unit = m[2].toLowerCase();
  const mult: Record<string, number> = { '': 1, b: 1, kb: 1e3, kib: 1024, mb: 1e6, mib: 1024 ** 2, gb: 1e9, gib: 1024 ** 3 };
  return Math.round(Number(m[1]) * mult[unit]);
}

/** Flattens nested YAML maps into dotted keys (`web: {listen-address: x}` → `web.listen-address`). */
function flatten(obj: Record<string, unknown>, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && !optionSpec(key)) flatten(v as Record<string, unknown>, key, out);
    else out[key] = v;
  }
  return out;
}

/** Reads and parses a YAML file; a problem is one OptionError naming the file and, for bad YAML, the line and column. */
function readYaml(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new OptionError(`config file ${fileProblem(path, err)}; give --config.file the path of a YAML file of options`, { cause: err });
  }
  try {
    return (require('yaml') as typeof import('yaml')).parse(text);
  } catch (err) {
    const pos = (err as { linePos?: { line: number; col: number }[] }).linePos?.[0];
    const what = (err as Error).message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    const where = pos ? ` at line ${pos.line}, column ${pos.col}` : '';
    throw new OptionError(`config file ${path} is not valid YAML${where}: ${what}`, { cause: err });
  }
}

/** Reads a YAML config file into raw option values by name; every problem is a one-line OptionError naming the file. */
export function readConfigFile(path: string, specs: readonly OptionSpec[]): Record<string, unknown> {
  const doc = readYaml(path);
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new OptionError(`config file ${path} is not a map of options (want lines such as "flow.max: 100000")`);
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(flatten(doc as Record<string, unknown>))) {
    const spec = specs.find((o) => o.name === key);
    if (!spec) throw new OptionError(`config file ${path}: unknown option "${key}"`);
    out[key] = parseValue(spec, raw, `${key} in ${path}`);
  }
  return out;
}

/**
 * Merges option sources: flags over NETSCORE_* environment variables over the
 * config file over defaults. `flags` holds the raw values yargs parsed.
 */
export function resolveOptions(specs: readonly OptionSpec[], flags: Record<string, unknown>, env: NodeJS.ProcessEnv): OptionValues {
  const configPath = (flags['config.file'] ?? env[envName('config.file')]) as string | undefined;
  const fromFile = configPath ? readConfigFile(configPath, specs) : {};
  const out: Record<string, unknown> = {};
  for (const spec of specs) {
    const flag = flags[spec.name];
    const envValue = env[envName(spec.name)];
    if (flag !== undefined) out[spec.name] = parseValue(spec, Array.isArray(flag) && spec.kind !== 'list' ? flag.at(-1) : flag, `--${spec.name}`);
    else if (envValue !== undefined) out[spec.name] = parseValue(spec, envValue, envName(spec.name));
    else if (spec.name in fromFile) out[spec.name] = fromFile[spec.name];
    else out[spec.name] = spec.default;
  }
  // parseValue gives each option its kind's type, and OPTIONS is every option there is.
  return out as OptionValues;
}
