import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { openCaptureFile } from '../source/capture-file.js';
import { DecodeState } from './decode-state.js';
import type { DecodedPacket } from './decoded-packet.js';
import { Decoder, ENCAP_NAMES, LAYER_NAMES, REASON_NAMES } from './decoder.js';
import { ETHERTYPES, IP_PROTOCOLS, LINKTYPES, UDP_PORTS } from './dispatch.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const corpus = path.resolve(repoRoot, '..', 'shared', 'pcaps');

/** Inputs per decoder entry. */
const RUNS = 1_000_000;
/** Longest input considered: enough for every header stack in the corpus. */
const MAX_LEN = 160;

/** Bytes of every packet of the decode/ and malformed/ corpus (up to MAX_LEN each), back to back. */
let seedPool = new Uint8Array(0);
/** Start and length of each packet in `seedPool`. */
const seedStart: number[] = [];
const seedLength: number[] = [];

beforeAll(async () => {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (const dir of ['decode', 'malformed']) {
    for (const name of readdirSync(path.join(corpus, dir)).sort()) {
      await openCaptureFile(path.join(corpus, dir, name))
        .run((v) => {
          const bytes = v.data.slice(v.offset, v.offset + Math.min(v.caplen, MAX_LEN));
          seedStart.push(total);
          seedLength.push(bytes.length);
          chunks.push(bytes);
          total += bytes.length;
        })
        .catch(() => undefined);
    }
  }
  seedPool = new Uint8Array(total);
  for (const [i, c] of chunks.entries()) seedPool.set(c, seedStart[i]);
});

/** xorshift32: deterministic, allocation-free. */
function prng(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

/**
 * Feeds `RUNS` inputs to `run`: a third random bytes, a third truncated seed
 * packets (from a random start, so inner layers see real headers), a third
 * damaged seed packets (changes accumulate until the pool is restored).
 * Returns the first input that broke an output invariant, as hex, or ''.
 */
function hammer(seed: number, run: (data: Uint8Array, offset: number, caplen: number) => DecodedPacket): string {
  const rand = prng(seed);
  const noise = new Uint8Array(1 << 20);
  const words = new Uint32Array(noise.buffer);
  for (let i = 0; i < words.length; i++) words[i] = rand();
  const damaged = seedPool.slice();
  const seeds = seedStart.length;
  for (let i = 0; i < RUNS; i++) {
    let data = noise;
    let offset: number;
    let caplen: number;
    const kind = i % 3;
    if (kind === 0) {
      offset = rand() % (noise.length - MAX_LEN);
      caplen = rand() % MAX_LEN;
    } else {
      const k = rand() % seeds;
      const length = seedLength[k];
      const skip = rand() % (1 + (length >> 1));
      offset = seedStart[k] + skip;
      caplen = rand() % (length - skip + 1);
      if (kind === 1) data = seedPool;
      else {
        data = damaged;
        if ((i & 0x1ffff) === 2) damaged.set(seedPool);
        for (let n = 1 + (rand() & 3); n > 0 && caplen > 0; n--) damaged[offset + (rand() % caplen)] = rand();
      }
    }
    const p = run(data, offset, caplen);
    if (
      p.errLayer >= LAYER_NAMES.length ||
      p.errReason >= REASON_NAMES.length ||
      (p.errLayer === 0) !== (p.errReason === 0) ||
      p.encap >= ENCAP_NAMES.length ||
      p.errOffset > caplen ||
      p.payloadOffset < offset ||
      p.payloadOffset + p.payloadLength > offset + caplen
    ) {
      return Buffer.from(data.subarray(offset, offset + caplen)).toString('hex');
    }
  }
  return '';
}

/** Indexes of the filled slots of a dispatch table. */
function entries(table: readonly unknown[]): number[] {
  return table.flatMap((f, i) => (f === undefined ? [] : [i]));
}

describe('never throws on random and damaged packets', () => {
  const decoder = new Decoder();
  it.each([...entries(LINKTYPES), 160])('Decoder.decode with linktype %i', (linktype) => {
    expect(seedStart.length).toBeGreaterThan(1000);
    expect(hammer(linktype + 1, (d, o, c) => decoder.decode(d, o, c, linktype))).toBe('');
  });

  // Direct entry into every layer reachable from a dispatch table.
  const state = new DecodeState(128, 16);
  const direct: [string, (s: DecodeState, off: number) => unknown][] = [
    ...entries(ETHERTYPES).map((t) => [`EtherType 0x${t.toString(16)}`, ETHERTYPES[t]!] as [string, (s: DecodeState, off: number) => unknown]),
    ...entries(IP_PROTOCOLS).map((t) => [`IP protocol ${t}`, IP_PROTOCOLS[t]!] as [string, (s: DecodeState, off: number) => unknown]),
    ...entries(UDP_PORTS).map((t) => [`UDP port ${t}`, UDP_PORTS[t]!] as [string, (s: DecodeState, off: number) => unknown]),
  ];
  it.each(direct)('%s', (name, layer) => {
    const broken = hammer(name.length * 7919, (d, o, c) => {
      state.reset(d, o, c);
      layer(state, o);
      return state.p;
    });
    expect(broken).toBe('');
  });
});
