/**
 * Series whose labels are known at start exist at zero from start: a live
 * `run` on a link that carries nothing (lo, filtered on an address nobody
 * uses) exposes its packet, byte, size and decode-error counters before the
 * first packet, so that rate() reads 0 rather than nothing after a restart.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sample, samples, start } from '../cli/spawn.js';
import { freePort } from '../support/free-port.js';
import { waitForHttp } from '../support/wait-for.js';
import { PROTOCOLS } from '../../src/metrics/traffic-stats.js';
import { LAYER_NAMES } from '../../src/decode/layers.js';

const root = process.getuid?.() === 0;
const built = existsSync(path.resolve(import.meta.dirname, '..', '..', 'build', 'Release', 'netscore_pcap.node'));

describe.skipIf(!root || !built)('series at zero from start (live run on a silent link)', () => {
  it('exposes every traffic, size and truncated-decode series of the captured interface before any packet', async () => {
    const web = await freePort();
    const ns = start(['run', '--capture.interface=lo', '--capture.filter=host 203.0.113.1', `--web.listen-address=127.0.0.1:${web}`]);
    try {
      await waitForHttp(`http://127.0.0.1:${web}/healthz`);
      const text = await (await fetch(`http://127.0.0.1:${web}/metrics`)).text();
      for (const protocol of PROTOCOLS) {
        expect(sample(text, 'netscore_packets_total', { interface: 'lo', protocol }), protocol).toBe(0);
        expect(sample(text, 'netscore_bytes_total', { interface: 'lo', protocol }), protocol).toBe(0);
      }
      expect(sample(text, 'netscore_packet_size_bytes_count', { interface: 'lo' })).toBe(0);
      expect(sample(text, 'netscore_packet_size_bytes_bucket', { interface: 'lo', le: '+Inf' })).toBe(0);
      const truncated = samples(text, 'netscore_decode_errors_total').filter((s) => s.labels.reason === 'truncated');
      expect(truncated.map((s) => s.labels.layer).sort()).toEqual(LAYER_NAMES.slice(1).sort());
      expect(truncated.every((s) => s.value === 0)).toBe(true);
      // The model learns online and has learnt nothing yet.
      expect(sample(text, 'netscore_model_online')).toBe(1);
      expect(sample(text, 'netscore_model_warmup_seconds')).toBe(600);
      expect(sample(text, 'netscore_model_warmup_learnt_seconds')).toBe(0);
      expect(sample(text, 'netscore_model_retrain_interval_seconds')).toBe(3600);
    } finally {
      ns.child.kill('SIGTERM');
      expect(await ns.exit).toBe(0);
    }
  });
});
