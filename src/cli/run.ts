import type { Logger } from 'pino';
import { asUser } from '../privileges/as-user.js';
import { type DroppedPrivileges, dropPrivileges, runAsUser } from '../privileges/drop.js';
import { defaultInterface } from '../source/live-interfaces.js';
import type { PacketSource } from '../source/source.js';
import { openSource } from '../source/sources.js';
import { setLogFormat } from './logger.js';
import { OPTIONS, resolveOptions, type OptionValues } from './options.js';
import { diffOptions } from './reload.js';
import { listenAddresses } from './listen-addresses.js';
import { serve } from './serve.js';
import { createService, logStart, type Service } from './service.js';
import { fanoutProblem, type FanoutMode, type FanoutOptions } from '../source/fanout.js';
import { onSignals } from './signals.js';
import { UsageError } from './usage-error.js';
import { reportStageFailure } from './stage-failure.js';

/** Default listen address of `run`, netscore's port. */
export const DEFAULT_LISTEN = ':10811';

/**
 * `netscore run`: captures live until a signal of STOP_SIGNALS. Capture handles are
 * opened first (as root), then the HTTP server binds, then privileges are
 * dropped when --run-as is given. SIGHUP re-reads the config file, keeping
 * `flags` (the command-line values) on top of it.
 */
export async function run(flags: Record<string, unknown>, o: OptionValues, log: Logger): Promise<number> {
  // Refused before anything is opened: an empty name or root would drop nothing.
  const runAs = o['run-as'] === undefined ? undefined : runAsUser(o['run-as']);
  const workers = o['capture.workers'];
  const fanout: FanoutOptions = { group: o['capture.fanout-group'], mode: o['capture.fanout-mode'] as FanoutMode };
  if (workers > 1) {
    // Several workers share each interface through a PACKET_FANOUT group, which only Linux has.
    const problem = fanoutProblem(fanout);
    if (problem) throw new UsageError(`--capture.workers ${workers}: ${problem}`);
  } else if (o['capture.fanout-group'] !== undefined) throw new UsageError('--capture.fanout-group applies only with --capture.workers 2 or more');
  const names = o['capture.interface']?.length ? o['capture.interface'] : [defaultInterface()];
  const events = {
    down: (i: string, message: string) => log.error({ interface: i, err: message }, 'capture down; retrying with backoff'),
    up: (i: string) => log.info({ interface: i }, 'capture up again'),
  };
  // With capture workers each worker opens its own handles (in the service); this thread captures nothing.
  const supervisors = (workers > 1 ? [] : names).map((iface) => {
    const s = openSource('live', iface, {
      filter: o['capture.filter'],
      snaplen: o['capture.snaplen'],
      bufferSize: o['capture.buffer-size'],
      promiscuous: o['capture.promiscuous'],
      events,
    });
    s.open?.();
    if (s.warning) log.warn({ interface: iface, warning: s.warning }, 'capture opened with a warning');
    return s;
  });
  const live = { interfaces: names, filter: o['capture.filter'], snaplen: o['capture.snaplen'], bufferSize: o['capture.buffer-size'], promiscuous: o['capture.promiscuous'], fanout, events };
  const service: Service = await createService(
    o,
    log,
    () => service.live?.captures() ?? supervisors.map((s) => ({ iface: s.name, up: s.up ?? true, ...s.stats() })),
    // `o` follows SIGHUP reloads.
    () => `live capture${o['capture.filter'] ? ` with filter "${o['capture.filter']}"` : ''}`,
    true,
    // Output files are opened as the --run-as user, who writes them after the drop.
    runAs && ((open) => asUser(runAs, open)),
    workers > 1 ? live : undefined,
  );
  const { pipeline } = service;
  try {
    // The workers open their handles before the server binds and privileges drop, as this thread's would be.
    await service.live?.ready();
  } catch (err) {
    await service.close();
    throw err;
  }
  const close = await serve(listenAddresses(o, DEFAULT_LISTEN), o, service.registry, log, service);
  logStart(log);
  if (runAs) {
    let ids: DroppedPrivileges;
    try {
      ids = dropPrivileges(runAs);
    } catch (err) {
      // Nothing was captured yet; without the listeners the process exits with the error.
      await close();
      await service.close();
      throw err;
    }
    log.info({ user: ids.name, uid: ids.uid, capabilities: ids.capabilities }, ids.switched ? 'dropped privileges' : 'already running as the --run-as user; nothing to drop');
  }
  log.info({ interfaces: names }, 'capturing');

  // A stage failure, from a packet or from the clock, stops everything; the shutdown below still flushes the outputs.
  let failure: unknown;
  let fail!: (err: unknown) => void;
  const failed = new Promise<string>((resolve) => {
    fail = (err) => {
      failure ??= err;
      resolve('failure');
    };
  });
  service.live?.watch(fail);
  // Flows and windows also age when no packets arrive (the capture workers keep their own clocks).
  const clock = setInterval(() => {
    if (service.live) return;
    try {
      pipeline.idleTick(Date.now() / 1000);
    } catch (err) {
      fail(err);
    }
  }, 1000);
  let offSignals = () => {};
  const stopped = new Promise<string>((resolve) => {
    offSignals = onSignals(log, resolve, ['SIGUSR2']);
  });
  const onHup = () => reload(flags, o, supervisors, service, log);
  process.on('SIGHUP', onHup);
  const runs = Promise.all(supervisors.map((s) => s.run(pipeline.sink).catch(fail)));
  // Capture workers run until told to finish; a failure of theirs comes through `fail`.
  const ended = service.live ? new Promise<string>(() => undefined) : runs.then(() => 'done');
  const signal = await Promise.race([stopped, failed, ended]);
  log.info({ signal }, 'shutting down');
  for (const s of supervisors) s.stop();
  await runs;
  clearInterval(clock);
  process.off('SIGHUP', onHup);
  // After a failure the tables may be half updated: what was already flagged is flushed, nothing more is scored.
  if (failure === undefined) {
    try {
      if (service.live) await service.live.finish();
      else pipeline.finish();
    } catch (err) {
      fail(err);
    }
  }
  try {
    await service.close();
  } catch (err) {
    fail(err);
  } finally {
    await close();
    // Kept until the outputs are closed: a second signal must not cut the flush short.
    offSignals();
  }
  return failure === undefined ? 0 : reportStageFailure(log, failure);
}

/**
 * SIGHUP: re-reads the config file and applies what can change while
 * running (see LIVE_OPTIONS) to `o` and the running parts. A config that
 * does not parse, or a filter libpcap rejects, changes nothing; either way
 * one line is logged, plus one naming the changed options that need a restart.
 */
function reload(flags: Record<string, unknown>, o: OptionValues, supervisors: readonly PacketSource[], service: Service, log: Logger): void {
  const failed = (err: unknown) => log.error({ err: (err as Error).message }, 'configuration reload failed; keeping the running configuration');
  let next: OptionValues;
  try {
    next = resolveOptions(OPTIONS, flags, process.env);
  } catch (err) {
    failed(err);
    return;
  }
  const { live, restart } = diffOptions(o, next);
  // Capture workers hold their own handles: a new filter reaches them only with a restart.
  if (service.live && live.includes('capture.filter')) restart.push(...live.splice(live.indexOf('capture.filter'), 1));
  if (live.includes('capture.filter')) {
    const filter = next['capture.filter'];
    const done: PacketSource[] = [];
    try {
      for (const s of supervisors) {
        s.setFilter?.(filter);
        done.push(s);
      }
    } catch (err) {
      // The running filter compiled before, so putting it back cannot fail.
      for (const s of done) s.setFilter?.(o['capture.filter']);
      failed(err);
      return;
    }
  }
  if (live.includes('anomaly.top-k') || live.includes('anomaly.hold')) service.scoring?.top.configure(next['anomaly.top-k'], next['anomaly.hold']);
  if (live.includes('log.format')) setLogFormat(log, next['log.format']);
  if (live.includes('log.level')) log.level = next['log.level'];
  Object.assign(o, Object.fromEntries(live.map((name) => [name, next[name]])));
  log.info({ changed: live.join(',') }, 'configuration reloaded');
  if (restart.length > 0) log.warn({ options: restart.join(',') }, 'changed options take effect only after a restart');
}
