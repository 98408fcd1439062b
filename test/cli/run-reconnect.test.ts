/**
 * `netscore run` on a veth interface that goes down, comes back, is deleted
 * and recreated. Oracle: the frames the test sends through the veth peer
 * (a UDP port selected by the capture filter), the interface state the test
 * sets with `ip link`, and netscore's own log lines.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ip4 } from '../../src/synth/addr.js';
import { FrameBuilder } from '../../src/synth/frame-builder.js';
import { PayloadPool } from '../../src/synth/payload-pool.js';
import { Prng } from '../../src/util/prng.js';
import type { Running } from '../support/child.js';
import { freePort } from '../support/free-port.js';
import { waitFor, waitForHttp } from '../support/wait-for.js';
import { sample, start } from './spawn.js';

const built = existsSync(path.resolve(import.meta.dirname, '..', '..', 'build', 'Release', 'netscore_pcap.node'));
// python3 sends the frames (node-gyp needed it to build the addon anyway).
const skipReason =
  process.getuid?.() !== 0 ? 'creating veth interfaces needs root' : !built ? 'libpcap addon not built' : spawnSync('python3', ['-c', '']).status !== 0 ? 'python3 is missing' : '';
// Interface names are at most 15 bytes; the pid keeps parallel runs apart.
const IF = `nsrc${process.pid % 100_000}a`;
const PEER = `nsrc${process.pid % 100_000}b`;
const PORT = 9999;

function ip(...args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim()}`);
}

function createPair(up = true): void {
  ip('link', 'add', IF, 'type', 'veth', 'peer', 'name', PEER);
  ip('link', 'set', PEER, 'up');
  if (up) ip('link', 'set', IF, 'up');
}

/** One Ethernet/IPv4/UDP frame to PORT with a 64-byte payload (106 bytes on the wire). */
function udpFrame(): Buffer {
  const fb = new FrameBuilder(new PayloadPool(new Prng(1)));
  fb.udp(ip4(10, 99, 0, 1), ip4(10, 99, 0, 2), 40_000, PORT, 64);
  return Buffer.from(fb.buf.subarray(0, fb.len));
}

/** Sends `count` copies of `frame` out of `iface` through an AF_PACKET socket (node has none). */
function send(iface: string, frame: Buffer, count: number): void {
  const py = 'import socket,sys\ns=socket.socket(socket.AF_PACKET,socket.SOCK_RAW)\ns.bind((sys.argv[1],0))\nf=bytes.fromhex(sys.argv[2])\nfor _ in range(int(sys.argv[3])): s.send(f)\n';
  const r = spawnSync('python3', ['-c', py, iface, frame.toString('hex'), String(count)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python3 send: ${r.stderr.trim()}`);
}

describe.skipIf(skipReason)(`netscore run across an interface outage${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let ns: Running | undefined;

  afterAll(async () => {
    await ns?.stop();
    spawnSync('ip', ['link', 'del', IF]);
  });

  it('starts on a down interface, marks the capture down with one log line, reopens it with backoff, and keeps counters monotonic', async () => {
    createPair(false);
    const web = await freePort();
    ns = start(['run', `--capture.interface=${IF}`, `--capture.filter=udp port ${PORT}`, `--web.listen-address=127.0.0.1:${web}`, '--log.format=json']);
    await waitForHttp(`http://127.0.0.1:${web}/healthz`);
    const history: { received: number; packets: number }[] = [];
    const metrics = async () => {
      const text = await (await fetch(`http://127.0.0.1:${web}/metrics`)).text();
      const m = {
        up: sample(text, 'netscore_capture_up', { interface: IF }),
        received: sample(text, 'netscore_capture_packets_received_total', { interface: IF }) ?? 0,
        packets: sample(text, 'netscore_packets_total', { interface: IF, protocol: 'udp' }) ?? 0,
      };
      history.push(m);
      return m;
    };
    const until = (pred: (m: Awaited<ReturnType<typeof metrics>>) => boolean, what: string) =>
      waitFor(async () => pred(await metrics()), { timeoutMs: 20_000, intervalMs: 100, what: `${what}; netscore said: ${ns!.stderr()}` });
    const logs = () =>
      ns!
        .stderr()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { msg: string; interface?: string; err?: string });
    const frame = udpFrame();

    await until((m) => m.up === 0, 'capture down at the start');
    expect(logs().filter((l) => l.interface === IF)).toEqual([
      expect.objectContaining({ msg: 'capture down; retrying with backoff', err: `capture on ${IF}: That device is not up` }),
    ]);
    ip('link', 'set', IF, 'up');
    await until((m) => m.up === 1, 'capture up');
    send(PEER, frame, 20);
    await until((m) => m.packets === 20 && m.received === 20, '20 packets counted');

    for (const [outage, reason, restore] of [
      [() => ip('link', 'set', IF, 'down'), 'The interface went down', () => ip('link', 'set', IF, 'up')],
      // A removal first takes the interface down; which of the two is seen first is a race.
      [() => ip('link', 'del', IF), 'The interface (disappeared|went down)', createPair],
    ] as const) {
      const before = logs().length;
      outage();
      await until((m) => m.up === 0, `capture down after "${reason}"`);
      // Long enough for two failed reopen attempts (after 1 s and 2 s more).
      await new Promise((r) => setTimeout(r, 3_500));
      expect((await metrics()).up).toBe(0);
      const during = logs().slice(before);
      expect(during).toEqual([expect.objectContaining({ msg: 'capture down; retrying with backoff', interface: IF, err: expect.stringMatching(`^capture on ${IF}: ${reason}$`) })]);
      restore();
      await until((m) => m.up === 1, 'capture up again');
      expect(logs().slice(before + 1)).toEqual([expect.objectContaining({ msg: 'capture up again', interface: IF })]);
      const { packets, received } = history.at(-1)!;
      send(PEER, frame, 20);
      await until((m) => m.packets === packets + 20 && m.received === received + 20, '20 more packets counted');
    }
    expect(history.at(-1)).toEqual({ up: 1, received: 60, packets: 60 });
    for (let i = 1; i < history.length; i++) {
      expect(history[i].received).toBeGreaterThanOrEqual(history[i - 1].received);
      expect(history[i].packets).toBeGreaterThanOrEqual(history[i - 1].packets);
    }
    ns.child.kill('SIGTERM');
    expect(await ns.exit).toBe(0);
  }, 90_000);
});
