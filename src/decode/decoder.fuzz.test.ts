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

/** Packets of the decode/ and malformed/ corpus, copied out of the reader's buffer. */
const seeds: { bytes: Uint8Array; linktype: number }[] = [];

beforeAll(async () => {
  for (const dir of ['decode', 'malformed']) {
    for (const name of readdirSync(path.join(corpus, dir)).sort()) {
      await openCaptureFile(path.join(corpus, dir, name))
        .run((v) => {
          seeds.push({ bytes: v.data.slice(v.offset, v.offset + Math.min(v.caplen, MAX_LEN)), linktype: v.linktype });
        })
        .catch(() => undefined);
    }
  }
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
 * packets (at a random start, so inner layers see real headers), a third seed
 * packets with a few bytes changed. Returns how many broke an output invariant.
 */
function hammer(seed: number, run: (data: Uint8Array, offset: number, caplen: number) => DecodedPacket): number {
  const rand = prng(seed);
  const scratch = new Uint8Array(MAX_LEN + 8);
  let broken = 0;
  for (let i = 0; i < RUNS; i++) {
    let data = scratch;
    let offset = 0;
    let caplen: number;
    const kind = i % 3;
    if (kind === 0) {
      caplen = rand() % MAX_LEN;
      for (let j = 0; j < caplen; j++) scratch[j] = rand();
    } else {
      const s = seeds[rand() % seeds.length].bytes;
      offset = s.length === 0 ? 0 : rand() % (1 + (s.length >> 1));
      caplen = rand() % (s.length - offset + 1);
      if (kind === 1) data = s;
      else {
        scratch.set(s.subarray(offset, offset + caplen));
        offset = 0;
        for (let n = 1 + (rand() & 3); n > 0 && caplen > 0; n--) scratch[rand() % caplen] = rand();
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
      broken++;
    }
  }
  return broken;
}

/** Indexes of the filled slots of a dispatch table. */
function entries(table: readonly unknown[]): number[] {
  return table.flatMap((f, i) => (f === undefined ? [] : [i]));
}

describe('never throws on random and damaged packets', () => {
  const decoder = new Decoder();
  it.each([...entries(LINKTYPES), 160])('Decoder.decode with linktype %i', (linktype) => {
    expect(seeds.length).toBeGreaterThan(1000);
    expect(hammer(linktype + 1, (d, o, c) => decoder.decode(d, o, c, linktype))).toBe(0);
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
    expect(broken).toBe(0);
  });
});
