/**
 * Runs netscore's HTTP side in-process for the server tests: the service of
 * `run`/`replay` (empty pipeline) served by `serve` with the given flags.
 */
import { Writable } from 'node:stream';
import { createLogger } from '../../src/cli/logger.js';
import { OPTIONS, resolveOptions } from '../../src/cli/options.js';
import { listenAddresses } from '../../src/cli/listen-addresses.js';
import { serve } from '../../src/cli/serve.js';
import { createService, type Service } from '../../src/cli/service.js';

/** A serving netscore. */
export interface Served {
  /** Base URLs, one per listen address, e.g. `http://127.0.0.1:41234`. */
  urls: string[];
  service: Service;
  /** Log records so far. */
  logs(): Record<string, unknown>[];
  close(): Promise<void>;
}

/** Serves with `flags` (flag name → value); listens on 127.0.0.1 on a free port unless `web.listen-address` is given. */
export async function startServed(flags: Record<string, unknown>): Promise<Served> {
  const o = resolveOptions(OPTIONS, { 'web.listen-address': ['127.0.0.1:0'], ...flags }, {});
  const records: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) records.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const log = createLogger('info', 'json', sink);
  const service = await createService(o, log, () => [], () => 'nothing (HTTP test harness)', false);
  const close = await serve(listenAddresses(o), o, service.registry, log, service);
  const scheme = o['web.config.file'] && records.some((r) => r.msg === 'listening' && r.tls === true) ? 'https' : 'http';
  const urls = records.filter((r) => r.msg === 'listening').map((r) => `${scheme}://${String(r.address)}`);
  return {
    urls,
    service,
    logs: () => records,
    close: async () => {
      await close();
      await service.close();
    },
  };
}

/** Runs `fn` against a netscore served with `flags`, then closes it. */
export async function withServed(flags: Record<string, unknown>, fn: (s: Served) => Promise<void>): Promise<void> {
  const s = await startServed(flags);
  try {
    await fn(s);
  } finally {
    await s.close();
  }
}
