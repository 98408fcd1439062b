import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCaptureFile } from '../../src/source/capture-file.js';
import { PCAPS } from '../oracle/manifest.js';
import { freePort } from '../support/free-port.js';
import { waitForHttp } from '../support/wait-for.js';
import { runCli, sample, start, total } from './spawn.js';

// MANIFEST.csv: 12 packets, 10707 bytes, all outer IPv4/UDP (VXLAN).
const file = path.join(PCAPS, 'decode', 'tunnel-vxlan-http.pcap');

describe('replay --replay.loop', () => {
  it('replays the files N times', async () => {
    const { code, stdout } = await runCli(['replay', '--summary', '--replay.loop=3', '--log.level=error', file]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ packets: 3 * 12, bytes: 3 * 10707, decode_errors: 0, outer: { ipv4: 3 * 12, udp: 3 * 12 } });
  });

  it('with 0 repeats until stopped, each pass later in packet time than the one before', async () => {
    let last = 0;
    await openCaptureFile(file).run((v) => (last = Math.max(last, v.tsSec)));
    const port = await freePort();
    const ns = start(['replay', '--replay.loop=0', '--replay.speed=100', '--log.level=error', `--web.listen-address=127.0.0.1:${port}`, file]);
    try {
      await waitForHttp(`http://127.0.0.1:${port}/healthz`);
      let text = '';
      for (const until = Date.now() + 30_000; total(text, 'netscore_packets_total') < 10 * 12 && Date.now() < until; ) {
        await new Promise((r) => setTimeout(r, 100));
        text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      }
      expect(total(text, 'netscore_packets_total')).toBeGreaterThanOrEqual(10 * 12);
      // Ten passes, each shifted by at least a second: packet time moved on instead of starting over.
      expect(sample(text, 'netscore_last_packet_timestamp_seconds')).toBeGreaterThanOrEqual(last + 9);
    } finally {
      ns.child.kill('SIGTERM');
    }
    expect(await ns.exit).toBe(143);
  });
});
