import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import type { Socket as UdpSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LiveSource } from './live-source.js';
import type { LiveSourceOptions } from './live-source.js';
import { loadPcapBinding } from './pcap-binding.js';
import { CaptureError } from './source.js';

const ADDON = fileURLToPath(new URL('../../build/Release/netscore_pcap.node', import.meta.url));
const skipReason = !existsSync(ADDON)
  ? 'libpcap addon not built; run node native/build.mjs'
  : process.getuid?.() !== 0
    ? 'capturing on lo needs root'
    : '';
const title = (name: string) => (skipReason ? `${name} (skipped: ${skipReason})` : name);

/** A copy of one delivered packet (the PacketView itself is reused). */
interface Captured {
  tsSec: number;
  tsNsec: number;
  caplen: number;
  wirelen: number;
  linktype: number;
  iface: string;
  bytes: Uint8Array;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `source`, performs `action`, waits until packets stop arriving, stops. */
async function capture(options: LiveSourceOptions, action: () => Promise<void>) {
  const source = new LiveSource(options);
  const packets: Captured[] = [];
  const running = source.run((p) => {
    packets.push({
      tsSec: p.tsSec,
      tsNsec: p.tsNsec,
      caplen: p.caplen,
      wirelen: p.wirelen,
      linktype: p.linktype,
      iface: p.iface,
      bytes: p.data.slice(p.offset, p.offset + p.caplen),
    });
  });
  const before = Date.now();
  await action();
  // Quiet period: no packet for 300 ms (the read timeout is 100 ms at most).
  for (let seen = -1; seen !== packets.length; ) {
    seen = packets.length;
    await sleep(300);
  }
  const stats = source.stats();
  source.stop();
  await running;
  return { packets, stats, source, before, after: Date.now() };
}

/** A UDP socket bound to an ephemeral port on 127.0.0.1. */
async function udpSocket(): Promise<UdpSocket> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  return s;
}

/** Sends `payloads` one by one from `from` to `port`, waiting for each to arrive at `to`. */
async function sendAll(from: UdpSocket, to: UdpSocket, payloads: Buffer[]) {
  const port = to.address().port;
  for (const payload of payloads) {
    const arrived = new Promise((r) => to.once('message', r));
    from.send(payload, port, '127.0.0.1');
    await arrived;
  }
}

/** Records of a pcap file written by tcpdump (host byte order, nanosecond magic). */
function readPcap(path: string): { tsSec: number; tsNsec: number; wirelen: number }[] {
  const buf = readFileSync(path);
  expect(buf.readUInt32LE(0)).toBe(0xa1b23c4d);
  const out = [];
  for (let at = 24; at + 16 <= buf.length; ) {
    const caplen = buf.readUInt32LE(at + 8);
    out.push({ tsSec: buf.readUInt32LE(at), tsNsec: buf.readUInt32LE(at + 4), wirelen: buf.readUInt32LE(at + 12) });
    at += 16 + caplen;
  }
  return out;
}

describe('loadPcapBinding', () => {
  it('names the fix in one line when the addon is missing', () => {
    const load = () => loadPcapBinding('/nonexistent/netscore_pcap.node');
    expect(load).toThrow(CaptureError);
    expect(load).toThrow(/^live capture is not built; apt-get install libpcap-dev && npm rebuild netscore$/);
  });
});

describe('LiveSource options', () => {
  it.each([
    [{ snaplen: 0 }, /^capture on lo: snaplen must be an integer from 1 to 262144, got 0$/],
    [{ snaplen: 1.5 }, /snaplen must be an integer/],
    [{ bufferSize: -1 }, /^capture on lo: buffer size must be a positive integer/],
    [{ timeoutMs: -5 }, /^capture on lo: timeout must be a non-negative integer/],
    [{ fanout: { group: 65_536 } }, /^capture on lo: fanout group must be an integer from 0 to 65535, got 65536$/],
    [{ fanout: { mode: 'rr' as 'lb' } }, /^capture on lo: fanout mode must be one of hash, lb, cpu, got rr$/],
  ])('rejects %o', (bad, message) => {
    expect(() => new LiveSource({ interface: 'lo', ...bad })).toThrow(message);
  });

  it('rejects an empty interface name', () => {
    expect(() => new LiveSource({ interface: '' })).toThrow(CaptureError);
  });
});

describe.skipIf(skipReason)(title('LiveSource on lo'), () => {
  const sockets: UdpSocket[] = [];
  afterAll(() => {
    for (const s of sockets) s.close();
  });

  it('delivers exactly the UDP datagrams sent, with their wire lengths and bytes', async () => {
    const [rx, tx] = [await udpSocket(), await udpSocket()];
    sockets.push(rx, tx);
    const port = rx.address().port;
    // Sizes cross the 4-byte padding boundaries of the batch records.
    const payloads = Array.from({ length: 40 }, (_, i) => Buffer.alloc(i * 3 + 1, i + 1));
    const r = await capture({ interface: 'lo', filter: `udp and dst port ${port}`, immediate: true }, () =>
      sendAll(tx, rx, payloads),
    );
    expect(r.packets.length).toBe(payloads.length);
    expect(r.packets.map((p) => p.wirelen)).toEqual(payloads.map((p) => 14 + 20 + 8 + p.length));
    expect(r.packets.map((p) => p.caplen)).toEqual(payloads.map((p) => 14 + 20 + 8 + p.length));
    r.packets.forEach((p, i) => {
      expect(p.linktype).toBe(1); // LINKTYPE_ETHERNET
      expect(p.iface).toBe('lo');
      // Ethernet type IPv4, UDP destination port, then the payload itself.
      expect((p.bytes[12] << 8) | p.bytes[13]).toBe(0x0800);
      expect((p.bytes[36] << 8) | p.bytes[37]).toBe(port);
      expect(Buffer.from(p.bytes.subarray(42))).toEqual(payloads[i]);
    });
    expect(r.source.linktype).toBe(1);
  });

  it('stamps packets with monotonic, current nanosecond timestamps', async () => {
    const [rx, tx] = [await udpSocket(), await udpSocket()];
    sockets.push(rx, tx);
    const payloads = Array.from({ length: 20 }, () => Buffer.from('tick'));
    const r = await capture({ interface: 'lo', filter: `udp and dst port ${rx.address().port}` }, () =>
      sendAll(tx, rx, payloads),
    );
    expect(r.packets.length).toBe(20);
    const ns = r.packets.map((p) => BigInt(p.tsSec) * 1_000_000_000n + BigInt(p.tsNsec));
    for (let i = 1; i < ns.length; i++) expect(ns[i] >= ns[i - 1]).toBe(true);
    for (const p of r.packets) {
      expect(p.tsNsec).toBeLessThan(1e9);
      const ms = p.tsSec * 1000 + p.tsNsec / 1e6;
      expect(ms).toBeGreaterThanOrEqual(r.before - 2000);
      expect(ms).toBeLessThanOrEqual(r.after + 2000);
    }
    // Nanosecond precision: with 20 packets, not every stamp is a whole microsecond.
    expect(r.packets.some((p) => p.tsNsec % 1000 !== 0)).toBe(true);
  });

  it('reports kernel counters: received at least what was delivered, nothing dropped', async () => {
    const [rx, tx] = [await udpSocket(), await udpSocket()];
    sockets.push(rx, tx);
    const payloads = Array.from({ length: 30 }, () => Buffer.alloc(100));
    const r = await capture({ interface: 'lo', filter: `udp and dst port ${rx.address().port}` }, () =>
      sendAll(tx, rx, payloads),
    );
    expect(r.packets.length).toBe(30);
    expect(r.stats.received).toBeGreaterThanOrEqual(30);
    expect(r.stats.dropped).toBe(0);
    // After run settles the handle is closed; the final counters remain.
    const after = r.source.stats();
    expect(after.received).toBeGreaterThanOrEqual(r.stats.received);
    expect(after.dropped).toBe(0);
  });

  it('counts each packet once on lo, where the kernel counts an outgoing and an incoming copy', async () => {
    const [rx, tx] = [await udpSocket(), await udpSocket()];
    sockets.push(rx, tx);
    const payloads = Array.from({ length: 40 }, () => Buffer.alloc(64));
    const r = await capture({ interface: 'lo', filter: `udp and dst port ${rx.address().port}` }, () => sendAll(tx, rx, payloads));
    // Oracle: the 40 datagrams sent; libpcap's own counter says 80 here.
    expect(r.packets.length).toBe(40);
    expect(r.source.stats()).toEqual({ received: 40, dropped: 0, ifDropped: 0 });
  });

  it('truncates to snaplen and keeps the wire length', async () => {
    const [rx, tx] = [await udpSocket(), await udpSocket()];
    sockets.push(rx, tx);
    const payloads = [Buffer.alloc(1000, 7), Buffer.alloc(10, 8)];
    const r = await capture(
      { interface: 'lo', filter: `udp and dst port ${rx.address().port}`, snaplen: 64, immediate: true },
      () => sendAll(tx, rx, payloads),
    );
    expect(r.packets.map((p) => [p.caplen, p.wirelen])).toEqual([
      [64, 1042],
      [52, 52],
    ]);
  });

  it('matches tcpdump packet for packet on TCP connections', async () => {
    const server = createServer({ noDelay: true }, (c) => {
      c.on('data', (d) => c.end(d)); // echo once, then close
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const filter = `tcp port ${port}`;
    const dir = mkdtempSync(join(tmpdir(), 'netscore-tcpdump-'));
    const file = join(dir, 'oracle.pcap');
    const tcpdump = spawn(
      'tcpdump',
      ['-i', 'lo', '-n', '-U', '--immediate-mode', '-Z', 'root', '-s', '256', '--time-stamp-precision=nano', '-w', file, filter],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const exited = new Promise((r) => tcpdump.once('exit', r));
    await new Promise<void>((resolve, reject) => {
      let err = '';
      tcpdump.stderr.on('data', (d) => {
        err += String(d);
        if (err.includes('listening on')) resolve();
      });
      tcpdump.once('exit', () => reject(new Error(`tcpdump failed: ${err}`)));
    });
    const connections = 5;
    try {
      const r = await capture({ interface: 'lo', filter, immediate: true }, async () => {
        for (let i = 0; i < connections; i++) {
          await new Promise<void>((resolve, reject) => {
            const c = createConnection({ port, host: '127.0.0.1', noDelay: true }, () => c.write(`hello ${i}`));
            c.on('data', () => c.end());
            c.on('close', () => resolve());
            c.on('error', reject);
          });
        }
      });
      await sleep(200);
      tcpdump.kill('SIGINT');
      await exited;
      const oracle = readPcap(file);
      // Handshake, data, echo, FINs and ACKs: at least 7 packets a connection.
      expect(oracle.length).toBeGreaterThanOrEqual(connections * 7);
      expect(r.packets.map((p) => p.wirelen)).toEqual(oracle.map((p) => p.wirelen));
      // Each packet socket stamps its own copy, so the clocks agree only closely.
      r.packets.forEach((p, i) => {
        const ns = (p.tsSec - oracle[i].tsSec) * 1e9 + (p.tsNsec - oracle[i].tsNsec);
        expect(Math.abs(ns)).toBeLessThan(1_000_000);
      });
      // One SYN (without ACK) per connection: flags byte at 14 + 20 + 13.
      expect(r.packets.filter((p) => (p.bytes[47] & 0x12) === 0x02).length).toBe(connections);
    } finally {
      tcpdump.kill('SIGKILL');
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops after the packet being delivered when stop() is called from the sink', async () => {
    const [rx, tx] = [await udpSocket(), await udpSocket()];
    sockets.push(rx, tx);
    const source = new LiveSource({ interface: 'lo', filter: `udp and dst port ${rx.address().port}` });
    source.open();
    // All ten are queued in the kernel before the run starts, so they share a batch.
    await sendAll(tx, rx, Array.from({ length: 10 }, () => Buffer.from('x')));
    let delivered = 0;
    await source.run(() => {
      if (++delivered === 3) source.stop();
    });
    expect(delivered).toBe(3);
  });

  it('rejects run() with the error a sink throws, and closes the handle', async () => {
    const [rx, tx] = [await udpSocket(), await udpSocket()];
    sockets.push(rx, tx);
    const source = new LiveSource({ interface: 'lo', filter: `udp and dst port ${rx.address().port}` });
    source.open();
    await sendAll(tx, rx, [Buffer.from('boom')]);
    const boom = new Error('sink failed');
    await expect(
      source.run(() => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    // Closed: a new run opens a fresh handle and can be stopped.
    const again = source.run(() => {});
    source.stop();
    await expect(again).resolves.toBeUndefined();
  });

  it('resolves run() at once when stopped before it started', async () => {
    const source = new LiveSource({ interface: 'lo' });
    source.stop();
    await expect(source.run(() => {})).resolves.toBeUndefined();
  });

  it('names a missing interface in a one-line CaptureError', async () => {
    const source = new LiveSource({ interface: 'nsbogus9' });
    const error = await source.run(() => {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CaptureError);
    expect((error as Error).message).toMatch(/^capture on nsbogus9: No such device exists/);
    expect((error as Error).message).not.toContain('\n');
    // close() after a failed open, twice, is harmless.
    source.close();
    source.close();
    expect(source.stats()).toEqual({ received: 0, dropped: 0, ifDropped: 0 });
  });

  it('names the filter and libpcap message for a bad filter', () => {
    const source = new LiveSource({ interface: 'lo', filter: 'port port' });
    expect(() => source.open()).toThrow(
      new CaptureError('capture on lo: filter "port port": can\'t parse filter expression: syntax error'),
    );
    source.close();
  });

  const ifb = `nsgone${process.pid % 10000}`;
  const canMakeIfb =
    !skipReason &&
    spawnSync('ip', ['link', 'add', ifb, 'type', 'ifb']).status === 0 &&
    spawnSync('ip', ['link', 'del', ifb]).status === 0;

  it.skipIf(!canMakeIfb)(
    `rejects with the interface name when it disappears${canMakeIfb ? '' : ' (skipped: cannot create an ifb interface)'}`,
    async () => {
      expect(spawnSync('ip', ['link', 'add', ifb, 'type', 'ifb']).status).toBe(0);
      try {
        expect(spawnSync('ip', ['link', 'set', ifb, 'up']).status).toBe(0);
        const source = new LiveSource({ interface: ifb, promiscuous: false });
        const running = source.run(() => {});
        await sleep(100);
        expect(spawnSync('ip', ['link', 'del', ifb]).status).toBe(0);
        const error = await Promise.race([running.then(() => 'resolved', (e: unknown) => e), sleep(5000)]);
        expect(error).toBeInstanceOf(CaptureError);
        // libpcap says "The interface disappeared" (ENODEV) or "The interface went down" (ENETDOWN).
        expect((error as Error).message).toMatch(new RegExp(`^capture on ${ifb}: The interface (disappeared|went down)$`));
        expect((error as Error).message).not.toContain('\n');
      } finally {
        spawnSync('ip', ['link', 'del', ifb]);
      }
    },
  );
});
