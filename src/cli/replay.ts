import { constants } from 'node:os';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { OptionValues } from './options.js';
import { feedFiles } from './feed.js';
import { listenAddresses } from './listen-addresses.js';
import { createService, logStart } from './service.js';
import { onSignals } from './signals.js';
import { reportStageFailure } from './stage-failure.js';
import { replaySummary, type ReplaySummary } from './summary.js';

/** Outcome of a replay: the summary and the one-line errors of files that were unreadable or damaged. */
export interface ReplayResult {
  /** The `--summary` object. */
  summary: ReplaySummary;
  /** One line per failed file, without the `netscore:` prefix. */
  errors: string[];
  /** The metrics registry, still readable after the replay. */
  registry: Registry;
  /** The signal that interrupted the replay, if one did. */
  signal?: NodeJS.Signals;
  /** The exception that stopped the pipeline (a StageError when a stage threw) or failed closing an output, if one did. */
  failure?: unknown;
}

/**
 * `netscore replay FILE...`: replays capture files through the pipeline.
 * Resolves to the exit status: 0; 1 when any file was unreadable or damaged
 * (the packets before the damage still count, and the summary is still
 * printed) or a stage failed; 128 + the signal number when a signal of
 * STOP_SIGNALS interrupted it (after the anomaly log and outputs were flushed).
 */
export async function replay(files: string[], o: OptionValues, log: Logger): Promise<number> {
  const { summary, errors, signal, failure } = await replayFiles(files, o, log);
  if (o.summary) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else if (failure === undefined && signal === undefined && errors.length === 0) {
    log.info({ files: files.length, packets: summary.packets, bytes: summary.bytes, flows: summary.flows, decode_errors: summary.decode_errors, elapsed_seconds: summary.elapsed_seconds }, 'replay finished');
  }
  if (failure !== undefined) return reportStageFailure(log, failure);
  if (signal !== undefined) return 128 + constants.signals[signal];
  return errors.length > 0 ? 1 : 0;
}

/**
 * Replays `files` in order; a damaged file is reported (on stderr and in the result) and the next one is read.
 * STOP_SIGNALS stop the replay; then, as after a stage failure, the outputs are flushed and closed before it resolves.
 * SIGHUP and SIGUSR2 are logged and ignored.
 */
export async function replayFiles(files: string[], o: OptionValues, log: Logger): Promise<ReplayResult> {
  const started = performance.now();
  let running = true;
  const speed = o['replay.speed'];
  const service = await createService(
    o,
    log,
    (p) => p.traffic.interfaces.map((c) => ({ iface: c.name, up: running, received: c.packets.reduce((a, b) => a + b, 0), dropped: 0, ifDropped: 0 })),
    () => `replay of ${files.join(', ')} ${speed > 0 ? `at ${speed}× real time` : 'as fast as possible'}${running ? '' : ', finished'}`,
    speed > 0,
  );
  const { pipeline, registry } = service;
  const packets = service.shards ?? pipeline;
  const addresses = listenAddresses(o);
  // The HTTP stack (server, web config, bcrypt worker) is loaded only to serve.
  const close = addresses.length > 0 ? await (await import('./serve.js')).serve(addresses, o, registry, log, service) : undefined;
  if (speed > 0) logStart(log);
  const interrupt = new AbortController();
  let signal: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    signal ??= sig;
    log.info({ signal: sig }, 'stopping the replay');
    interrupt.abort();
  };
  // A replay has no configuration to reload: SIGHUP (like SIGUSR2) must not end it.
  const offSignals = onSignals(log, onSignal, ['SIGHUP', 'SIGUSR2']);
  let errors: string[] = [];
  let failure: unknown;
  let ended = NaN;
  try {
    errors = await feedFiles(files, packets, speed, { signal: interrupt.signal, loops: o['replay.loop'], maxInterfaces: o['capture.max-interfaces'] });
    if (service.shards) await service.shards.finish();
    else pipeline.finish();
    if (o['replay.hold'] && close !== undefined && !interrupt.signal.aborted) {
      // The summary's elapsed time is the replay's, not the hold's.
      ended = performance.now();
      running = false;
      log.info({}, 'replay ended; still serving until SIGINT or SIGTERM (--replay.hold)');
      await new Promise((resolve) => interrupt.signal.addEventListener('abort', resolve, { once: true }));
      // The replay itself was complete: the signal only ends the hold.
      signal = undefined;
    }
  } catch (err) {
    failure = err;
  } finally {
    running = false;
    try {
      await service.close();
    } catch (err) {
      // An output that failed during the replay fails again here; the first failure is the one to report.
      failure ??= err;
    } finally {
      await close?.();
      // Kept until the outputs are closed: a second signal must not cut the flush short.
      offSignals();
    }
  }
  const summary = replaySummary(files, packets, ((Number.isNaN(ended) ? performance.now() : ended) - started) / 1000);
  return { summary, errors, registry, signal, failure };
}
