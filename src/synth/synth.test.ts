import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_BEACON_JITTER } from './attack-plan.js';
import { ATTACK_TYPES, synthLabels, synthPackets, writeSynth } from './synth.js';
import type { SynthLabels, SynthOptions } from './synth.js';

const ALL: SynthOptions = { seed: 42, duration: 120, attacks: [...ATTACK_TYPES] };

function digest(opts: SynthOptions): { hash: string; packets: number; sorted: boolean } {
  const h = createHash('sha256');
  const ts = new Uint32Array(2);
  let packets = 0;
  let last = -1;
  let sorted = true;
  for (const p of synthPackets(opts)) {
    const t = p.tsSec * 1e6 + p.tsNsec / 1000;
    if (t <= last) sorted = false;
    last = t;
    ts[0] = p.tsSec;
    ts[1] = p.tsNsec;
    h.update(ts);
    h.update(p.frame);
    packets++;
  }
  return { hash: h.digest('hex'), packets, sorted };
}

function tshark(...args: string[]): string {
  return execFileSync('tshark', ['-n', ...args], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
}

describe('synthPackets', () => {
  it('is deterministic per seed and strictly time-ordered', () => {
    const short: SynthOptions = { ...ALL, duration: 40 };
    const a = digest(short);
    const b = digest(short);
    const c = digest({ ...short, seed: 43 });
    expect(a.packets).toBeGreaterThan(1000);
    expect(a.sorted).toBe(true);
    expect(b.hash).toBe(a.hash);
    expect(c.hash).not.toBe(a.hash);
  });

  it('rejects bad options', () => {
    expect(() => synthLabels({ seed: 1, duration: 0, attacks: [] })).toThrow(RangeError);
    expect(() => synthLabels({ seed: 1, duration: 10, attacks: ['nope' as never] })).toThrow(/unknown attack/);
    expect(() => synthLabels({ seed: 1, duration: 10, attacks: [], hosts: 500 })).toThrow(RangeError);
  });
});

describe('labels', () => {
  it('a benign-only run has no attacks', () => {
    expect(synthLabels({ seed: 5, duration: 300, attacks: [] })).toEqual({ evaluation: { window_s: 10 }, attacks: [] });
  });

  it('places every requested attack inside the run, serial ones without overlap', () => {
    for (const duration of [60, 120, 600]) {
      const labels = synthLabels({ ...ALL, duration });
      const start = 1_700_000_000;
      expect(labels.attacks.map((a) => a.type).sort()).toEqual([...ATTACK_TYPES].sort());
      for (const a of labels.attacks) {
        expect(a.start_ts).toBeGreaterThanOrEqual(start);
        expect(a.end_ts).toBeLessThanOrEqual(start + duration);
        expect(a.end_ts).toBeGreaterThan(a.start_ts);
      }
      const serial = labels.attacks.filter((a) => a.type !== 'beacon').sort((x, y) => x.start_ts - y.start_ts);
      for (let i = 1; i < serial.length; i++) expect(serial[i].start_ts).toBeGreaterThan(serial[i - 1].end_ts);
    }
  });
});

describe('writeSynth checked with tshark', () => {
  const dir = mkdtempSync(join(tmpdir(), 'synth-'));
  const pcap = join(dir, 'all.pcap');
  const labelsPath = join(dir, 'all.json');
  let result: { packets: number; bytes: number; labels: SynthLabels };
  /** One row per frame: epoch time, src, dst, tcp flags, tcp/udp dst port, ip length, dns query name. */
  let rows: string[][];

  beforeAll(async () => {
    result = await writeSynth(ALL, pcap, labelsPath);
    rows = tshark('-r', pcap, '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'ip.src', '-e', 'ip.dst', '-e', 'tcp.flags', '-e', 'tcp.dstport', '-e', 'udp.dstport', '-e', 'ip.len', '-e', 'dns.qry.name')
      .trimEnd()
      .split('\n')
      .map((line) => line.split('\t'));
  });

  it('writes a file tshark reads in full, with nothing malformed and valid checksums', async () => {
    expect(rows.length).toBe(result.packets);
    expect(readFileSync(pcap).length).toBe(result.bytes);
    const bad = tshark('-r', pcap, '-o', 'ip.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-Y', '_ws.malformed || _ws.expert.severity >= error || ip.checksum.status == 0 || tcp.checksum.status == 0 || udp.checksum.status == 0');
    expect(bad).toBe('');
    expect(JSON.parse(readFileSync(labelsPath, 'utf8'))).toEqual(result.labels);
    expect(result.labels).toEqual(synthLabels(ALL));
  });

  it('same options write byte-identical files', async () => {
    const again = join(dir, 'again.pcap');
    await writeSynth(ALL, again);
    const hash = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex');
    expect(hash(again)).toBe(hash(pcap));
  });

  it('each attacker sends what its label says, to its victims, inside its time range', () => {
    for (const a of result.labels.attacks) {
      const during = (r: string[]): boolean => Number(r[0]) >= a.start_ts && Number(r[0]) <= a.end_ts;
      const toVictims = rows.filter((r) => r[1] === a.attacker_ip && a.victim_ips.includes(r[2]));
      // An outside attacker reaches the victims only inside the labelled range; an
      // inside one may also use them benignly (e.g. a scanned DNS server) at other times.
      if (!a.attacker_ip.startsWith('10.')) expect(toVictims.every(during), a.id).toBe(true);
      const mine = toVictims.filter(during);
      expect(mine.length, a.id).toBeGreaterThan(0);
      const syns = mine.filter((r) => r[3] === '0x0002');
      const dstPorts = new Set(mine.map((r) => r[4] || r[5]));
      const sumLen = (rs: string[][]): number => rs.reduce((n, r) => n + Number(r[6]), 0);
      const seconds = a.end_ts - a.start_ts;
      switch (a.type) {
        case 'scan':
          expect(dstPorts.size).toBeGreaterThan(900);
          expect(syns.length / seconds).toBeGreaterThan(1000);
          break;
        case 'slowscan':
          expect(syns.length / seconds).toBeGreaterThan(0.3);
          expect(syns.length / seconds).toBeLessThan(1.1);
          expect(dstPorts.size).toBeGreaterThan(5);
          break;
        case 'synflood': {
          expect(syns.length / seconds).toBeGreaterThan(2000);
          const acks = mine.filter((r) => r[3] === '0x0010');
          expect(acks.length).toBe(0);
          break;
        }
        case 'udpflood':
          expect(mine.filter((r) => r[5] !== '').length / seconds).toBeGreaterThan(2000);
          break;
        case 'dnstunnel': {
          // The attacker is also an ordinary client whose browsing resolves short names.
          const names = mine.map((r) => r[7]).filter((n) => n.length > 100);
          expect(names.length / seconds).toBeGreaterThan(4);
          expect(new Set(names.map((n) => n.split('.').slice(-3).join('.'))).size).toBe(1);
          // RFC 1035 2.3.4: labels of 1-63 octets, at most 253 characters in text form.
          expect(names.filter((n) => n.length > 253 || n.split('.').some((l) => l.length < 1 || l.length > 63))).toEqual([]);
          break;
        }
        case 'bruteforce':
          expect([...dstPorts]).toEqual(['22']);
          expect(syns.length / seconds).toBeGreaterThan(1);
          break;
        case 'beacon': {
          const times = syns.map((r) => Number(r[0]));
          expect(times.length).toBeGreaterThanOrEqual(3);
          // Every sleep is the 30 s period less at most MAX_BEACON_JITTER of it.
          const gaps = times.slice(1).map((t, i) => t - times[i]);
          for (const g of gaps) {
            expect(g).toBeGreaterThan(30 * (1 - MAX_BEACON_JITTER) - 0.5);
            expect(g).toBeLessThan(30.5);
          }
          break;
        }
        case 'exfil': {
          const back = rows.filter((r) => a.victim_ips.includes(r[1]) && r[2] === a.attacker_ip);
          expect(sumLen(mine)).toBeGreaterThan(3e6);
          expect(sumLen(mine)).toBeGreaterThan(10 * sumLen(back));
          break;
        }
      }
    }
  });

  it('benign traffic has DNS answers, NXDOMAIN, handshakes, refusals, SSH, NTP and ICMP', () => {
    const fields = tshark('-r', pcap, '-T', 'fields', '-E', 'occurrence=f', '-e', 'dns.flags.rcode', '-e', 'dns.flags.response', '-e', 'dns.a', '-e', 'tcp.flags', '-e', 'tcp.port', '-e', 'udp.port', '-e', 'icmp.type')
      .trimEnd()
      .split('\n')
      .map((l) => l.split('\t'));
    const count = (pred: (f: string[]) => boolean): number => fields.filter(pred).length;
    expect(count((f) => f[1] === '1' && f[0] === '3'), 'NXDOMAIN').toBeGreaterThan(0);
    expect(count((f) => f[2] !== ''), 'A answers').toBeGreaterThan(20);
    expect(count((f) => f[3] === '0x0012'), 'SYN-ACK').toBeGreaterThan(100);
    expect(count((f) => f[3] === '0x0014' && f[4] === '8443'), 'refused').toBeGreaterThan(0);
    expect(count((f) => f[3] === '0x0011'), 'FIN').toBeGreaterThan(100);
    expect(count((f) => f[4] === '22'), 'SSH').toBeGreaterThan(100);
    expect(count((f) => f[5] === '123'), 'NTP').toBeGreaterThan(0);
    expect(count((f) => f[6] === '0'), 'echo reply').toBeGreaterThan(0);
  });
});
