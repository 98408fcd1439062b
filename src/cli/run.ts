import type { Logger } from 'pino';
import { dropPrivileges } from '../privileges/drop.js';
import { CaptureSupervisor } from '../source/capture-supervisor.js';
import { defaultInterface } from '../source/live-interfaces.js';
import { LiveSource } from '../source/live-source.js';
import { OPTIONS, resolveOptions, type OptionValues } from './options.js';
import { listenAddresses, serve } from './serve.js';
import { createService } from './service.js';

/** Default listen address of `run`, netscore's port. */
export const DEFAULT_LISTEN = ':10811';

/**
 * `netscore run`: captures live until SIGINT or SIGTERM. Capture handles are
 * opened first (as root), then the HTTP server binds, then privileges are
 * dropped when --run-as is given. `flags` are the command-line values, kept when SIGHUP re-reads the config.
 */
export async function run(flags: Record<string, unknown>, o: OptionValues, log: Logger): Promise<number> {
  const names = (o['capture.interface'] as string[] | undefined)?.length ? (o['capture.interface'] as string[]) : [defaultInterface()];
  const make = (iface: string) => () =>
    new LiveSource({
      interface: iface,
      filter: o['capture.filter'] as string | undefined,
      snaplen: o['capture.snaplen'] as number,
      bufferSize: o['capture.buffer-size'] as number,
      promiscuous: o['capture.promiscuous'] as boolean,
    });
  const supervisors = names.map((iface) => {
    const first = make(iface)();
    first.open();
    if (first.warning) log.warn({ interface: iface, warning: first.warning }, 'capture opened with a warning');
    return new CaptureSupervisor(first, make(iface), {
      down: (i, message) => log.error({ interface: i, err: message }, 'capture down; retrying with backoff'),
      up: (i) => log.info({ interface: i }, 'capture up again'),
    });
  });
  const service = await createService(o, log, () => supervisors.map((s) => ({ iface: s.iface, up: s.up, ...s.stats() })));
  const { pipeline } = service;
  const close = await serve(listenAddresses(o, DEFAULT_LISTEN), o, service.registry, log, service);
  if (o['run-as']) {
    let ids;
    try {
      ids = dropPrivileges(o['run-as'] as string);
    } catch (err) {
      // Nothing was captured yet; without the listeners the process exits with the error.
      await close();
      await service.close();
      throw err;
    }
    log.info({ user: ids.name, uid: ids.uid, capabilities: ids.capabilities }, 'dropped privileges');
  }
  log.info({ interfaces: names }, 'capturing');

  // Flows and windows also age when no packets arrive.
  const clock = setInterval(() => pipeline.idleTick(Date.now() / 1000), 1000);
  const stopped = new Promise<string>((resolve) => {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => resolve(sig));
  });
  const onHup = () => {
    try {
      const next = resolveOptions(OPTIONS, flags, process.env);
      log.level = next['log.level'] as string;
      log.info('configuration reloaded; capture and table settings apply at the next start');
    } catch (err) {
      log.error({ err: (err as Error).message }, 'configuration reload failed; keeping the running configuration');
    }
  };
  process.on('SIGHUP', onHup);
  const runs = Promise.all(supervisors.map((s) => s.run(pipeline.sink)));
  const signal = await Promise.race([stopped, runs.then(() => 'done')]);
  log.info({ signal }, 'shutting down');
  for (const s of supervisors) s.stop();
  await runs;
  clearInterval(clock);
  process.off('SIGHUP', onHup);
  pipeline.finish();
  await service.close();
  await close();
  return 0;
}
