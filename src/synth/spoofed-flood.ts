import { FrameBuilder, SYN } from './frame-builder.js';
import { PayloadPool } from './payload-pool.js';
import { PcapWriter } from './pcap-writer.js';
import { Prng } from '../util/prng.js';

/** Options of `writeSpoofedFlood`. */
export interface SpoofedFloodOptions {
  /** SYNs to write, each from its own source address (at most 2^24). */
  packets: number;
  /** Seconds the flood lasts. */
  seconds: number;
  /** Victim address (IPv4 as an unsigned 32-bit number). */
  victim: number;
  /** Victim TCP port. */
  port: number;
  /** Start, seconds since the epoch. */
  start: number;
  /** Seed; the same options give the same bytes. */
  seed: number;
}

/** Public first octets to spread sources over (no 0, 10, 100, 127, 169, 172, 192 or multicast and above). */
const FIRST_OCTETS = Array.from({ length: 223 }, (_, i) => i + 1).filter((o) => ![10, 100, 127, 169, 172, 192].includes(o));

/**
 * Writes a SYN flood with spoofed sources (hping3 -S --flood --rand-source):
 * every packet comes from a different public address and source port, so
 * every packet is a new 5-tuple; the victim answers none. Evenly spaced in
 * time. A flow-table and host-table flood for tests and benchmarks.
 */
export async function writeSpoofedFlood(path: string, o: SpoofedFloodOptions): Promise<{ packets: number; bytes: number }> {
  if (!Number.isInteger(o.packets) || o.packets < 1 || o.packets > 1 << 24) throw new RangeError(`packets must be an integer from 1 to 2^24, got ${o.packets}`);
  const rng = new Prng(o.seed);
  const fb = new FrameBuilder(new PayloadPool(rng));
  const w = await PcapWriter.create(path);
  try {
    const startUs = Math.round(o.start * 1e6);
    for (let i = 0; i < o.packets; i++) {
      // The low 24 bits are a bijection of i (odd multiplier mod 2^24), so no two packets share a source.
      const low = Math.imul(i, 0x9e3779) & 0xffffff;
      const src = ((FIRST_OCTETS[rng.int(0, FIRST_OCTETS.length - 1)] << 24) | low) >>> 0;
      fb.tcp(src, o.victim, rng.int(1024, 65535), o.port, SYN, rng.nextUint32(), 0, 512, 0);
      const us = startUs + Math.floor((i * o.seconds * 1e6) / o.packets);
      if (w.add(Math.floor(us / 1e6), us % 1e6, fb.buf.subarray(0, fb.len))) await w.flush();
    }
  } finally {
    await w.close();
  }
  return { packets: w.packets, bytes: w.bytes };
}
