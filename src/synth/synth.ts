import { writeFile } from 'node:fs/promises';
import { bruteForce, slowBruteForce } from './attack-bruteforce.js';
import { beacon, exfil, jitterBeacon } from './attack-c2.js';
import { dnsTunnel, slowDnsTunnel } from './attack-dns-tunnel.js';
import { synFlood, udpFlood } from './attack-floods.js';
import { planAttacks } from './attack-plan.js';
import { fastScan, slowScan } from './attack-scans.js';
import { pingSweep, sweep } from './attack-sweeps.js';
import { startBenign } from './benign.js';
import { FrameBuilder } from './frame-builder.js';
import { startInternetUse } from './internet-use.js';
import { HostWindowTally, truthCsv } from './host-window-truth.js';
import { MAX_CLIENTS } from './network.js';
import { PayloadPool } from './payload-pool.js';
import { PcapWriter } from './pcap-writer.js';
import { Prng } from '../util/prng.js';
import type { Actor } from './scheduler.js';
import { Scheduler } from './scheduler.js';
import { SEC } from './timing.js';
import { ALL_ATTACK_TYPES, ATTACK_TYPES, SYNTH_PROFILES, WIDE_ATTACK_TYPES } from './types.js';
import type { AttackType, PlanInput, PlannedAttack, SynthLabels, SynthOptions } from './types.js';
import { startWideBenign } from './wide-benign.js';

export { ALL_ATTACK_TYPES, ATTACK_TYPES, SYNTH_PROFILES, WIDE_ATTACK_TYPES };
export type { AttackLabel, AttackType, ClassicAttackType, SynthLabels, SynthOptions, SynthProfile, WideAttackType } from './types.js';

/** Default first instant of a capture (2023-11-14T22:13:20Z). */
export const DEFAULT_START = 1_700_000_000;
/** Default number of benign clients. */
export const DEFAULT_HOSTS = 20;

/** One generated packet. The object and `frame`'s bytes are reused: copy them before the next iteration. */
export interface SynthPacket {
  tsSec: number;
  /** Nanoseconds within `tsSec`; always a multiple of 1000 (µs resolution). */
  tsNsec: number;
  /** Ethernet frame. */
  frame: Uint8Array;
  /** Index in the labels' `attacks` of the attack that made the frame (its answers included), or -1 for benign traffic. */
  attack: number;
}

/** Checks options and fills in defaults; throws RangeError on nonsense. */
function resolve(opts: SynthOptions): PlanInput {
  const hosts = opts.hosts ?? DEFAULT_HOSTS;
  const start = opts.start ?? DEFAULT_START;
  if (!Number.isFinite(opts.duration) || opts.duration <= 0) throw new RangeError(`duration must be a positive number of seconds, got ${opts.duration}`);
  if (!Number.isInteger(hosts) || hosts < 1 || hosts > MAX_CLIENTS) throw new RangeError(`hosts must be an integer from 1 to ${MAX_CLIENTS}, got ${hosts}`);
  if (!Number.isInteger(start) || start < 0 || start + opts.duration >= 2 ** 32) throw new RangeError(`start must be an epoch second that fits pcap timestamps, got ${start}`);
  for (const a of opts.attacks) if (!ALL_ATTACK_TYPES.includes(a)) throw new RangeError(`unknown attack type "${a}" (known: ${ALL_ATTACK_TYPES.join(', ')})`);
  const profile = opts.profile ?? 'classic';
  if (!SYNTH_PROFILES.includes(profile)) throw new RangeError(`unknown profile "${profile}" (known: ${SYNTH_PROFILES.join(', ')})`);
  return { seed: opts.seed, duration: opts.duration, attacks: opts.attacks, start, hosts, profile };
}

/** Ground truth of the attacks `synthPackets(opts)` injects; computed without generating packets. */
export function synthLabels(opts: SynthOptions): SynthLabels {
  return { evaluation: { window_s: 10 }, attacks: planAttacks(resolve(opts)).map((a) => a.label) };
}

const ATTACKS: Record<AttackType, (s: Scheduler, rng: Prng, a: PlannedAttack) => Actor> = {
  scan: fastScan,
  slowscan: slowScan,
  synflood: synFlood,
  udpflood: udpFlood,
  dnstunnel: dnsTunnel,
  bruteforce: bruteForce,
  beacon,
  exfil,
  jitterbeacon: jitterBeacon,
  slowbruteforce: slowBruteForce,
  sweep,
  pingsweep: pingSweep,
  slowdnstunnel: slowDnsTunnel,
  slowexfil: exfil,
};

/**
 * Generates the capture packet by packet in strictly increasing time order,
 * without touching the file system. Same options, same packets.
 */
export function* synthPackets(opts: SynthOptions): Generator<SynthPacket, void, void> {
  const input = resolve(opts);
  const rng = new Prng(input.seed);
  const fb = new FrameBuilder(new PayloadPool(rng.fork()));
  const t0 = input.start * SEC;
  const s = new Scheduler(fb, t0, t0 + input.duration * SEC);
  s.tlsRecords = input.profile === 'wide';
  startBenign(s, rng.fork(), input.hosts, input.duration);
  for (const [i, a] of planAttacks(input).entries()) s.spawn(ATTACKS[a.label.type](s, rng.fork(), a), i);
  if (input.profile === 'wide') startWideBenign(s, rng.fork(), input.seed, input.hosts, input.duration);
  // Last, so the traffic of every other actor is drawn as without it.
  if (opts.internetUse === true) startInternetUse(s, rng.fork(), input.hosts);
  const out: SynthPacket = { tsSec: 0, tsNsec: 0, frame: fb.buf, attack: -1 };
  while (s.step()) {
    out.tsSec = Math.floor(s.ts / SEC);
    out.tsNsec = (s.ts - out.tsSec * SEC) * 1000;
    out.frame = fb.buf.subarray(0, fb.len);
    out.attack = s.tag;
    yield out;
  }
}

/**
 * Writes the capture to `pcapPath` (little-endian µs pcap, Ethernet) and,
 * when `labelsPath` is given, the labels as JSON; when `truthPath` is given,
 * the truth per (labels window, source host) as CSV (see HostWindowTally).
 * Memory stays bounded by the capture's host-windows whatever its size.
 */
export async function writeSynth(opts: SynthOptions, pcapPath: string, labelsPath?: string, truthPath?: string): Promise<{ packets: number; bytes: number; labels: SynthLabels }> {
  const labels = synthLabels(opts);
  const tally = truthPath === undefined ? undefined : new HostWindowTally(labels.attacks, labels.evaluation.window_s);
  const w = await PcapWriter.create(pcapPath);
  try {
    for (const p of synthPackets(opts)) {
      tally?.add(p.tsSec, p.frame, p.attack);
      if (w.add(p.tsSec, p.tsNsec / 1000, p.frame)) await w.flush();
    }
  } finally {
    await w.close();
  }
  if (labelsPath !== undefined) await writeText(labelsPath, `${JSON.stringify(labels, null, 2)}\n`);
  if (truthPath !== undefined && tally !== undefined) await writeText(truthPath, truthCsv(tally.rows()));
  return { packets: w.packets, bytes: w.bytes, labels };
}

/** Writes `text` to `path`; a failure names the file. */
async function writeText(path: string, text: string): Promise<void> {
  try {
    await writeFile(path, text);
  } catch (err) {
    throw new Error(`cannot write ${path}`, { cause: err });
  }
}
