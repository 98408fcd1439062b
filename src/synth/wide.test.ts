import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseIpv4 } from '../../test/support/hosts.js';
import { isInternal } from './addr.js';
import { planAttacks } from './attack-plan.js';
import { ATTACK_TYPES, WIDE_ATTACK_TYPES, synthLabels, synthPackets, writeSynth } from './synth.js';
import type { SynthLabels, SynthOptions } from './synth.js';
import { BEACON_PERIODS, MAX_WIDE_JITTER, SLOW_EXFIL_RATES, SLOW_TRY_GAP } from './wide-plan.js';
import { liveHosts } from './wide-network.js';

const WIDE: SynthOptions = { seed: 11, duration: 300, hosts: 12, attacks: [...WIDE_ATTACK_TYPES], profile: 'wide' };
const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

function digest(opts: SynthOptions): string {
  const h = createHash('sha256');
  for (const p of synthPackets(opts)) h.update(Uint32Array.of(p.tsSec, p.tsNsec)).update(p.frame);
  return h.digest('hex');
}

function tshark(...args: string[]): string[][] {
  return execFileSync('tshark', ['-n', ...args], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] })
    .trimEnd()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t'));
}

describe('the classic profile is what it was', () => {
  // sha256 of the files main wrote before the wide profile existed (netscore synth --seed 42 --duration 40, and --seed 3 --duration 40 --attacks none --hosts 7).
  it('writes byte-identical captures and labels', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'synth-classic-'));
    await writeSynth({ seed: 42, duration: 40, attacks: [...ATTACK_TYPES] }, join(dir, 'a.pcap'), join(dir, 'a.json'));
    await writeSynth({ seed: 3, duration: 40, attacks: [], hosts: 7, profile: 'classic' }, join(dir, 'n.pcap'));
    expect(sha(readFileSync(join(dir, 'a.pcap')))).toBe('3bee79ab0e7b8e9da3e181de86545a33313d72a680334da8d7f852e35987a8bb');
    expect(sha(readFileSync(join(dir, 'a.json')))).toBe('eb21bd9d1d0bb3e46d4a8216f0f1a041ee269bf88ab8cad011cf13d8ba0a2ee5');
    expect(sha(readFileSync(join(dir, 'n.pcap')))).toBe('cee4c8faddedc2241754ab9b6fd34504ac7369c003b37ee0b88f1faa29dcc496');
  });
});

describe('wide profile', () => {
  it('is deterministic per seed', () => {
    const short: SynthOptions = { ...WIDE, duration: 60 };
    expect(digest(short)).toBe(digest(short));
    expect(digest({ ...short, seed: 12 })).not.toBe(digest(short));
  });

  it('rejects an unknown profile', () => {
    expect(() => synthLabels({ ...WIDE, profile: 'nope' as never })).toThrow(/unknown profile "nope"/);
  });

  it('labels every wide attack inside the run, two beacons (one internal, one public) and distinct attackers', () => {
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      for (const duration of [300, 1800, 3600]) {
        const labels = synthLabels({ ...WIDE, seed, duration });
        const types = labels.attacks.map((a) => a.type).sort();
        expect(types).toEqual([...WIDE_ATTACK_TYPES, 'jitterbeacon'].sort());
        for (const a of labels.attacks) {
          expect(a.start_ts).toBeGreaterThanOrEqual(1_700_000_000);
          expect(a.end_ts).toBeLessThanOrEqual(1_700_000_000 + duration);
          expect(a.end_ts).toBeGreaterThan(a.start_ts);
        }
        const attackers = labels.attacks.map((a) => a.attacker_ip);
        expect(new Set(attackers).size).toBe(attackers.length);
        const beacons = labels.attacks.filter((a) => a.type === 'jitterbeacon').map((a) => isInternal(parseIpv4(a.victim_ips[0])));
        expect(beacons.sort()).toEqual([false, true]);
        expect(new Set(labels.attacks.map((a) => a.id)).size).toBe(labels.attacks.length);
      }
    }
  });

  it('draws what the generators do from the seed: periods, jitters, ports, rates, ranges', () => {
    const plans = Array.from({ length: 20 }, (_, i) => planAttacks({ seed: 100 + i, duration: 3600, attacks: WIDE_ATTACK_TYPES, start: 1_700_000_000, hosts: 20, profile: 'wide' }));
    const of = (type: string) => plans.flatMap((p) => p.filter((a) => a.label.type === type));
    const beacons = of('jitterbeacon');
    for (const b of beacons) {
      expect(b.period).toBeGreaterThanOrEqual(BEACON_PERIODS[0] * 1e6);
      expect(b.period).toBeLessThanOrEqual(BEACON_PERIODS[1] * 1e6);
      expect(b.jitter).toBeGreaterThan(0);
      expect(b.jitter).toBeLessThanOrEqual(MAX_WIDE_JITTER);
    }
    const periods = beacons.map((b) => b.period / 1e6);
    expect(Math.min(...periods)).toBeLessThan(30);
    expect(Math.max(...periods)).toBeGreaterThan(120);
    expect(new Set(beacons.map((b) => b.port)).size).toBeGreaterThan(2);
    expect(new Set(of('sweep').map((a) => a.port)).size).toBeGreaterThan(4);
    expect(new Set(of('sweep').map((a) => a.label.victim_ips[0].split('.')[2])).size).toBeGreaterThan(1);
    expect(new Set(of('sweep').map((a) => a.victims.length)).size).toBeGreaterThan(10);
    for (const e of of('slowexfil')) {
      expect(e.rate).toBeGreaterThanOrEqual(SLOW_EXFIL_RATES[0]);
      expect(e.rate).toBeLessThanOrEqual(SLOW_EXFIL_RATES[1]);
    }
    expect(new Set(of('slowexfil').map((a) => isInternal(a.victims[0]))).size).toBe(2);
    expect(new Set(of('slowbruteforce').map((a) => isInternal(a.attacker))).size).toBe(2);
    expect(new Set(of('slowdnstunnel').map((a) => a.rate)).size).toBeGreaterThan(10);
  });
});

describe('wide capture checked with tshark', () => {
  const dir = mkdtempSync(join(tmpdir(), 'synth-wide-'));
  const pcap = join(dir, 'wide.pcap');
  let result: { packets: number; bytes: number; labels: SynthLabels };
  /** Per frame: time, src, dst, tcp flags, tcp dst port, udp dst port, ip length, icmp type, dns query name, dns response flag, tcp src port. */
  let rows: string[][];

  beforeAll(async () => {
    result = await writeSynth(WIDE, pcap);
    rows = tshark('-r', pcap, '-T', 'fields', '-E', 'occurrence=f', '-e', 'frame.time_epoch', '-e', 'ip.src', '-e', 'ip.dst', '-e', 'tcp.flags', '-e', 'tcp.dstport', '-e', 'udp.dstport', '-e', 'ip.len', '-e', 'icmp.type', '-e', 'dns.qry.name', '-e', 'dns.flags.response', '-e', 'tcp.srcport');
  }, 600_000);

  it('writes a file tshark reads in full, with nothing malformed and valid checksums', () => {
    expect(rows.length).toBe(result.packets);
    const bad = tshark('-r', pcap, '-o', 'ip.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-Y', '_ws.malformed || _ws.expert.severity >= error || ip.checksum.status == 0 || tcp.checksum.status == 0 || udp.checksum.status == 0');
    expect(bad).toEqual([]);
  });

  it('each wide attacker sends what its label says, to its victims, inside its time range', () => {
    const live = liveHosts(WIDE.seed, WIDE.hosts!, 'wide');
    const plan = planAttacks({ seed: WIDE.seed, duration: WIDE.duration, attacks: WIDE.attacks, start: 1_700_000_000, hosts: WIDE.hosts!, profile: 'wide' });
    for (const p of plan) {
      const a = p.label;
      const during = (r: string[]): boolean => Number(r[0]) >= a.start_ts && Number(r[0]) <= a.end_ts;
      const toVictims = rows.filter((r) => r[1] === a.attacker_ip && a.victim_ips.includes(r[2]));
      // An outside attacker reaches the victims only inside the labelled range; an inside one
      // may also use them benignly (the resolver, a backup server) at other times.
      if (!isInternal(p.attacker)) expect(toVictims.every(during), a.id).toBe(true);
      const mine = toVictims.filter(during);
      expect(mine.length, a.id).toBeGreaterThan(0);
      const back = rows.filter((r) => a.victim_ips.includes(r[1]) && r[2] === a.attacker_ip && during(r));
      const syns = mine.filter((r) => r[3] === '0x0002');
      const seconds = a.end_ts - a.start_ts;
      switch (a.type) {
        case 'jitterbeacon': {
          expect(new Set(mine.map((r) => r[4]))).toEqual(new Set([String(p.port)]));
          const times = syns.map((r) => Number(r[0]));
          expect(times.length, a.id).toBeGreaterThanOrEqual(Math.floor(seconds / (p.period / 1e6) / (1 + p.jitter)) - 1);
          const gaps = times.slice(1).map((t, i) => t - times[i]);
          for (const g of gaps) {
            expect(g).toBeGreaterThanOrEqual(((1 - p.jitter) * p.period) / 1e6 - 0.001);
            expect(g).toBeLessThanOrEqual(((1 + p.jitter) * p.period) / 1e6 + 0.001);
          }
          // Sizes vary from one check-in to the next.
          expect(new Set(mine.filter((r) => Number(r[6]) > 40).map((r) => r[6])).size).toBeGreaterThan(2);
          break;
        }
        case 'slowbruteforce': {
          // sshd answers each failed password with one 52-byte message (IP length 92), 0.15-0.7 s after it.
          const fails = back.filter((r) => r[10] === '22' && r[3] === '0x0018' && r[6] === '92').map((r) => Number(r[0]));
          expect(fails.length).toBeGreaterThan(seconds / 6);
          const gaps = fails.slice(1).map((t, i) => t - fails[i]);
          expect(Math.min(...gaps)).toBeGreaterThanOrEqual(SLOW_TRY_GAP[0] - 0.6);
          expect(Math.max(...gaps)).toBeLessThanOrEqual(SLOW_TRY_GAP[1] + 1.2);
          const mean = (fails[fails.length - 1] - fails[0]) / gaps.length;
          expect(mean).toBeGreaterThanOrEqual(SLOW_TRY_GAP[0]);
          expect(mean).toBeLessThanOrEqual(SLOW_TRY_GAP[1]);
          break;
        }
        case 'sweep': {
          const probes = syns.filter((r) => r[4] === String(p.port));
          expect(probes.length).toBe(a.victim_ips.length);
          expect(new Set(probes.map((r) => r[2])).size).toBe(a.victim_ips.length);
          // Live hosts answer from the probed port (SYN-ACK or RST-ACK); empty addresses stay silent.
          const answered = new Set(back.filter((r) => r[10] === String(p.port)).map((r) => r[1]));
          expect([...answered].sort()).toEqual(a.victim_ips.filter((ip) => live.has(parseIpv4(ip))).sort());
          break;
        }
        case 'pingsweep': {
          const requests = mine.filter((r) => r[7] === '8');
          expect(requests.length).toBe(a.victim_ips.length);
          expect(new Set(requests.map((r) => r[2])).size).toBe(a.victim_ips.length);
          const replies = back.filter((r) => r[7] === '0').map((r) => r[1]);
          expect(replies.sort()).toEqual(a.victim_ips.filter((ip) => live.has(parseIpv4(ip))).sort());
          break;
        }
        case 'slowdnstunnel': {
          // The host also browses; tunnel names start with an encoded label of 20 or more characters.
          const names = mine.filter((r) => r[5] === '53' && r[9] === '0').map((r) => r[8]).filter((n) => n.split('.')[0].length >= 20);
          const rate = names.length / seconds;
          expect(rate).toBeGreaterThan(p.rate / 2);
          expect(rate).toBeLessThan(p.rate * 2);
          expect(new Set(names.map((n) => n.split('.').slice(-3).join('.'))).size).toBe(1);
          expect(names.filter((n) => n.split('.').some((l) => l.length < 1 || l.length > 63))).toEqual([]);
          break;
        }
        case 'slowexfil': {
          expect(new Set(mine.map((r) => r[4]))).toEqual(new Set([String(p.port)]));
          const up = mine.reduce((n, r) => n + Number(r[6]), 0);
          expect(up / seconds).toBeGreaterThan(0.8 * p.rate);
          expect(up / seconds).toBeLessThan(1.2 * p.rate);
          // A service the host never used: nobody reaches the destination outside the attack.
          expect(rows.filter((r) => r[2] === a.victim_ips[0] && r[1] !== a.attacker_ip)).toEqual([]);
          break;
        }
      }
    }
  });

  it('benign periodic jobs: CI polls, metrics pushes, health checks, backups, keep-alives and NTP, at several periods', () => {
    const ciPolls = rows.filter((r) => r[1].startsWith('10.0.2.') && r[2] === '10.0.1.40' && r[3] === '0x0002');
    expect(new Set(ciPolls.map((r) => r[1])).size).toBeGreaterThanOrEqual(2);
    expect(ciPolls.length).toBeGreaterThan(2 * 30);
    expect(rows.filter((r) => r[2] === '10.0.1.41' && ['9091', '2003'].includes(r[4])).length + rows.filter((r) => r[5] === '8125').length).toBeGreaterThan(10);
    expect(rows.filter((r) => r[1] === '10.0.1.6' && r[3] === '0x0002').length).toBeGreaterThan(10);
    expect(rows.filter((r) => r[5] === '123' && !r[2].startsWith('10.')).length).toBeGreaterThan(0);
    // Per runner, the median gap between polls is its own period: they differ.
    const medians = [...new Set(ciPolls.map((r) => r[1]))].map((ip) => {
      const t = ciPolls.filter((r) => r[1] === ip).map((r) => Number(r[0]));
      const gaps = t.slice(1).map((x, i) => x - t[i]).sort((x, y) => x - y);
      return gaps[gaps.length >> 1];
    });
    expect(new Set(medians.map((m) => Math.round(m * 10))).size).toBe(medians.length);
  });
});
