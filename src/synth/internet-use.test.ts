import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthPackets, writeSynth } from './synth.js';
import type { SynthOptions } from './synth.js';

const RUN: SynthOptions = { seed: 21, duration: 1800, attacks: [], hosts: 20, internetUse: true };

/** Fields of each frame below, in this order: what every test reads from one tshark pass. */
const FIELDS = ['frame.time_epoch', 'ip.src', 'ip.dst', 'udp.port', 'udp.length', 'dns.flags.response', 'tcp.port', 'tcp.len', 'icmp.type', 'icmp.code', 'icmp.mtu'] as const;
type Row = Record<(typeof FIELDS)[number], string>;

/** tshark's FIELDS of the frames of `pcap` that matches `filter`; a field tshark reads twice (a quoted header's) holds both, comma-separated. */
function frames(pcap: string, filter: string): Row[] {
  return execFileSync('tshark', ['-n', '-r', pcap, '-Y', filter, '-T', 'fields', ...FIELDS.flatMap((n) => ['-e', n])], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] })
    .trimEnd()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const v = l.split('\t');
      return Object.fromEntries(FIELDS.map((f, i) => [f, v[i] ?? ''])) as Row;
    });
}

/** Largest count of rows per (10 s window, key of the row). */
function busiest(rows: Row[], key: (r: Row) => string): number {
  const n = new Map<string, number>();
  for (const r of rows) {
    const k = `${Math.floor(Number(r['frame.time_epoch']) / 10)} ${key(r)}`;
    n.set(k, (n.get(k) ?? 0) + 1);
  }
  return Math.max(0, ...n.values());
}

const internal = (ip: string): boolean => ip.startsWith('10.');

describe('internet use, checked with tshark', () => {
  let rows: Row[];

  beforeAll(async () => {
    const pcap = join(mkdtempSync(join(tmpdir(), 'synth-internet-')), 'i.pcap');
    await writeSynth(RUN, pcap);
    rows = frames(pcap, 'udp.port == 443 || dns || tcp.port == 587 || icmp.type == 3');
  }, 180_000);

  it('holds QUIC sessions: UDP 443 both ways, the server sending the bulk and the client acknowledging at a rate', () => {
    const quic = rows.filter((r) => r['udp.port'].split(',').includes('443'));
    const up = quic.filter((r) => internal(r['ip.src']) && !internal(r['ip.dst']));
    const down = quic.filter((r) => !internal(r['ip.src']) && internal(r['ip.dst']));
    const bytes = (rs: Row[]) => rs.reduce((n, r) => n + Number(r['udp.length']), 0);
    expect(up.length).toBeGreaterThan(1000);
    expect(bytes(down)).toBeGreaterThan(5 * bytes(up));
    // Padded Initials: the client's first datagrams carry at least 1200 bytes.
    expect(up.some((r) => Number(r['udp.length']) >= 1200 + 8)).toBe(true);
    expect(busiest(up, (r) => r['ip.src'])).toBeGreaterThanOrEqual(100);
  });

  it('resolves tens of names per page load, some clients at a public resolver', () => {
    const queries = rows.filter((r) => r['dns.flags.response'] === 'False' || r['dns.flags.response'] === '0');
    const answers = rows.filter((r) => r['dns.flags.response'] === 'True' || r['dns.flags.response'] === '1');
    expect(busiest(queries, (r) => r['ip.src'])).toBeGreaterThanOrEqual(15);
    expect(queries.some((r) => !internal(r['ip.dst']))).toBe(true);
    expect(answers.length).toBe(queries.length);
  });

  it('submits mail to port 587, the client uploading, and the gateway sends fragmentation-needed quoting the upload', () => {
    const mail = rows.filter((r) => r['icmp.type'] === '' && r['tcp.port'].split(',').includes('587') && Number(r['tcp.len']) > 0);
    const sent = mail.filter((r) => internal(r['ip.src'])).reduce((n, r) => n + Number(r['tcp.len']), 0);
    const received = mail.filter((r) => !internal(r['ip.src'])).reduce((n, r) => n + Number(r['tcp.len']), 0);
    expect(sent).toBeGreaterThan(3 * received);
    const icmp = rows.filter((r) => r['icmp.type'] === '3' && r['icmp.code'] === '4');
    expect(icmp.length).toBeGreaterThan(0);
    for (const r of icmp) {
      // The outer header first, then the quoted one.
      expect(r['ip.src'].split(',')[0]).toBe('10.0.0.1');
      expect(internal(r['ip.dst'].split(',')[0])).toBe(true);
      expect(Number(r['icmp.mtu'])).toBeLessThan(1500);
      expect(r['tcp.port'].split(',')).toContain('587');
    }
  });
});

describe('internet use leaves the rest of the site alone', () => {
  it('adds frames only: the run without it is a subsequence of the run with it (addresses, ports, lengths)', () => {
    // IPv4 total length, TTL and protocol, addresses and ports (the IP ID counts every frame, so it moves).
    const key = (f: Uint8Array) => [...f.subarray(16, 18), ...f.subarray(22, 24), ...f.subarray(26, 38)].join(',');
    const short: SynthOptions = { ...RUN, duration: 300, hosts: 8 };
    const without = Array.from(synthPackets({ ...short, internetUse: false }), (p) => key(p.frame));
    let at = 0;
    let added = 0;
    for (const p of synthPackets(short)) {
      if (at < without.length && key(p.frame) === without[at]) at++;
      else added++;
    }
    expect(at).toBe(without.length);
    expect(added).toBeGreaterThan(0);
  });
});
