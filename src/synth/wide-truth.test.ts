/**
 * Wide synthetic traffic checked with tshark as the oracle: nothing malformed
 * on seeds that once had malformed packets (seed 13: an SSLv2-looking TLS
 * segment and StatsD read as RTCP; seed 10: StatsD, SSH health checks, a TLS
 * beacon), and the generator's attribution of frames to attacks (the truth)
 * agrees with what tshark sees between the labelled hosts.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HostWindowTally } from './host-window-truth.js';
import type { HostWindowTruth } from './host-window-truth.js';
import { PcapWriter } from './pcap-writer.js';
import { WIDE_ATTACK_TYPES, synthLabels, synthPackets } from './synth.js';
import type { SynthLabels, SynthOptions } from './synth.js';

/** Offsets in a synthetic frame (Ethernet, IPv4 without options). */
const IP_SRC = 26;
const L4 = 34;

/** What the generator said about one attack's frames. */
interface Made {
  frames: number;
  /** Frames outside [start_ts, end_ts], or not between the attacker and a victim. */
  stray: string[];
  /** SYNs (no ACK) from the attacker, by destination "ip:port". */
  syns: Map<string, number>;
  /** ICMP echo requests from the attacker. */
  echoes: number;
}

const ipAt = (f: Uint8Array, at: number): string => `${f[at]}.${f[at + 1]}.${f[at + 2]}.${f[at + 3]}`;

/** Generates `opts` into `pcap`, keeping the per-attack attribution and the host-window truth. */
async function generate(opts: SynthOptions, pcap: string): Promise<{ labels: SynthLabels; packets: number; made: Made[]; allSyns: Map<string, number>; truth: HostWindowTruth[] }> {
  const labels = synthLabels(opts);
  const made: Made[] = labels.attacks.map(() => ({ frames: 0, stray: [], syns: new Map(), echoes: 0 }));
  // Every SYN (no ACK) of the capture, attack or benign, by "src>dst:port".
  const allSyns = new Map<string, number>();
  const tally = new HostWindowTally(labels.attacks, labels.evaluation.window_s);
  const w = await PcapWriter.create(pcap);
  for (const p of synthPackets(opts)) {
    tally.add(p.tsSec, p.frame, p.attack);
    const f = p.frame;
    if (f[23] === 6 && (f[L4 + 13] & 0x12) === 0x02) {
      const key = `${ipAt(f, IP_SRC)}>${ipAt(f, IP_SRC + 4)}:${(f[L4 + 2] << 8) | f[L4 + 3]}`;
      allSyns.set(key, (allSyns.get(key) ?? 0) + 1);
    }
    if (p.attack >= 0) {
      const a = labels.attacks[p.attack];
      const m = made[p.attack];
      const t = p.tsSec + p.tsNsec / 1e9;
      const src = ipAt(f, IP_SRC);
      const dst = ipAt(f, IP_SRC + 4);
      m.frames++;
      const between = (src === a.attacker_ip && a.victim_ips.includes(dst)) || (dst === a.attacker_ip && a.victim_ips.includes(src));
      if (t < a.start_ts || t > a.end_ts + 1e-6 || !between) m.stray.push(`${t} ${src}>${dst}`);
      if (src === a.attacker_ip && f[23] === 6 && (f[L4 + 13] & 0x12) === 0x02) {
        const key = `${dst}:${(f[L4 + 2] << 8) | f[L4 + 3]}`;
        m.syns.set(key, (m.syns.get(key) ?? 0) + 1);
      }
      if (src === a.attacker_ip && f[23] === 1 && f[L4] === 8) m.echoes++;
    }
    if (w.add(p.tsSec, p.tsNsec / 1000, p.frame)) await w.flush();
  }
  await w.close();
  return { labels, packets: w.packets, made, allSyns, truth: tally.rows() };
}

/** Expert severity "error" as tshark prints it. */
const EXPERT_ERROR = 0x00800000;

/**
 * tshark in one pass: per frame time, src, dst, tcp flags, tcp dst port, icmp
 * type, frame number, info, and "bad" when the frame is malformed, carries an
 * expert error or fails an IPv4, TCP or UDP checksum (status 0).
 */
function tshark(pcap: string): string[][] {
  const fields = ['frame.time_epoch', 'ip.src', 'ip.dst', 'tcp.flags', 'tcp.dstport', 'icmp.type', 'frame.number', '_ws.col.Info', '_ws.malformed', '_ws.expert.severity', 'ip.checksum.status', 'tcp.checksum.status', 'udp.checksum.status'];
  const checks = ['ip', 'tcp', 'udp'].flatMap((p) => ['-o', `${p}.check_checksum:TRUE`]);
  const out = execFileSync('tshark', ['-n', '-r', pcap, ...checks, '-T', 'fields', '-E', 'occurrence=a', ...fields.flatMap((f) => ['-e', f])], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
  // Not trimmed: the last line's empty fields end in tabs.
  return out
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      // With every occurrence, the quoted header of an ICMP error adds a second address: keep the outer one.
      const cells = line.split('\t');
      const r = cells.map((v, i) => (i === 7 ? v : v.split(',')[0]));
      const all = (i: number) => cells[i].split(',').filter((v) => v !== '');
      const bad = r[8] !== '' || all(9).some((v) => Number(v) >= EXPERT_ERROR) || [10, 11, 12].some((i) => all(i).includes('0'));
      return [...r.slice(0, 8), bad ? 'bad' : ''];
    });
}

describe.each([
  { seed: 13, duration: 300, hosts: 12 },
  { seed: 10, duration: 300, hosts: 12 },
])('wide seed $seed ($duration s) against tshark', ({ seed, duration, hosts }) => {
  const opts: SynthOptions = { seed, duration, hosts, attacks: [...WIDE_ATTACK_TYPES], profile: 'wide' };
  let gen: Awaited<ReturnType<typeof generate>>;
  let rows: string[][];

  beforeAll(async () => {
    const pcap = join(mkdtempSync(join(tmpdir(), 'synth-truth-')), 'w.pcap');
    gen = await generate(opts, pcap);
    rows = tshark(pcap);
  }, 120_000);

  it('is well-formed: tshark reads every frame, none malformed, no expert error, every checksum valid', () => {
    expect(rows.length).toBe(gen.packets);
    expect(rows.filter((r) => r[8] === 'bad').map((r) => `${r[6]} ${r[1]}>${r[2]} ${r[7]}`)).toEqual([]);
  });

  it('attributes to each attack only frames between its attacker and victims, inside its labelled time', () => {
    for (const [i, a] of gen.labels.attacks.entries()) {
      expect(gen.made[i].frames, a.id).toBeGreaterThan(0);
      expect(gen.made[i].stray, a.id).toEqual([]);
    }
  });

  it('counts what tshark sees: beacon and exfiltration connections, brute-force connections, sweep probes, ping sweep echoes', () => {
    const synsTo = (from: string, to: string, port: string) => rows.filter((r) => r[1] === from && r[2] === to && r[3] === '0x0002' && r[4] === port).length;
    // tshark sees every SYN the generator wrote from the attacker to the service, the attack's and any benign ones.
    const sameAsGenerator = (a: { id: string; attacker_ip: string }, dest: string) => {
      const [ip, port] = dest.split(':');
      expect(synsTo(a.attacker_ip, ip, port), `${a.id} ${dest}`).toBe(gen.allSyns.get(`${a.attacker_ip}>${dest}`));
    };
    for (const [i, a] of gen.labels.attacks.entries()) {
      const m = gen.made[i];
      switch (a.type) {
        case 'jitterbeacon':
        case 'slowexfil': {
          // One service that nobody else uses: every connection tshark sees to it is the attack's.
          expect(m.syns.size, a.id).toBe(1);
          const [[dest, n]] = [...m.syns];
          sameAsGenerator(a, dest);
          expect(gen.allSyns.get(`${a.attacker_ip}>${dest}`), a.id).toBe(n);
          expect(n, a.id).toBeGreaterThanOrEqual(a.type === 'slowexfil' ? 1 : 3);
          break;
        }
        case 'slowbruteforce': {
          // The attacker may also log in benignly: tshark sees the generator's connections, the attack's among them.
          expect(m.syns.size, a.id).toBe(1);
          const [[dest, n]] = [...m.syns];
          sameAsGenerator(a, dest);
          expect(n, a.id).toBeGreaterThan(10);
          break;
        }
        case 'sweep': {
          // One probe of the attack per address, whatever else the attacker sends there.
          expect([...m.syns.values()], a.id).toEqual(a.victim_ips.map(() => 1));
          expect(new Set([...m.syns.keys()].map((k) => k.split(':')[0])), a.id).toEqual(new Set(a.victim_ips));
          for (const dest of m.syns.keys()) sameAsGenerator(a, dest);
          break;
        }
        case 'pingsweep':
          expect(m.echoes, a.id).toBe(a.victim_ips.length);
          expect(rows.filter((r) => r[1] === a.attacker_ip && a.victim_ips.includes(r[2]) && r[5] === '8').length, a.id).toBe(a.victim_ips.length);
          break;
        case 'slowdnstunnel':
          expect(m.frames, a.id).toBeGreaterThan(20);
          break;
      }
    }
  });

  it('has host-window truth that matches tshark per window and host, with attack windows inside the labels', () => {
    const w = gen.labels.evaluation.window_s;
    const seen = new Map<string, number>();
    for (const r of rows) {
      const key = `${Math.floor(Number(r[0]) / w) * w} ${r[1]}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    expect(new Map(gen.truth.map((t) => [`${t.windowStart} ${t.host}`, t.packetsSent]))).toEqual(seen);
    const byId = new Map(gen.labels.attacks.map((a) => [a.id, a]));
    const attackRows = gen.truth.filter((t) => t.label === 'attack');
    expect(new Set(attackRows.flatMap((t) => t.attackIds))).toEqual(new Set(byId.keys()));
    for (const t of attackRows) {
      expect(t.attackPacketsSent).toBeGreaterThan(0);
      const mine = t.attackIds.map((id) => byId.get(id)!).filter((a) => a.attacker_ip === t.host);
      expect(mine.some((a) => t.windowStart + w > a.start_ts && t.windowStart <= a.end_ts), `${t.windowStart} ${t.host}`).toBe(true);
    }
    expect(gen.truth.filter((t) => t.label === 'benign' && t.attackPacketsSent > 0)).toEqual([]);
  });
});
