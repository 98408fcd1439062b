import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifest, PCAPS } from '../../test/oracle/manifest.js';
import { Decoder } from '../decode/decoder.js';
import { openCaptureFile } from '../source/capture-file.js';
import { Prng } from '../util/prng.js';
import { shardOf } from './shard-hash.js';
import { PEEK_UNKNOWN, peekShard } from './shard-peek.js';

const decoder = new Decoder();
const WORKERS = [2, 3, 8];

/** Packets on which peekShard and the decoder disagree (the first few). */
const wrong: string[] = [];

/** Checks peekShard against the decoder on one packet: unknown, or shardOf's worker of a packet that reaches the window clock; true when it answered. */
function agrees(data: Uint8Array, offset: number, caplen: number, linktype: number, where: string): boolean {
  let peeked = false;
  for (const n of WORKERS) {
    const w = peekShard(data, offset, caplen, linktype, n);
    if (w === PEEK_UNKNOWN) continue;
    peeked = true;
    const pkt = decoder.decode(data, offset, caplen, linktype);
    if ((w !== shardOf(pkt, n) || pkt.ipVersion === 0 || pkt.fragment === 2) && wrong.length < 5) wrong.push(`${where}, ${n} workers: peek ${w}, decoded ${shardOf(pkt, n)}`);
  }
  return peeked;
}

describe('peekShard against the decoder', () => {
  const files = loadManifest().filter((r) => !r.unreadable && r.packets > 0);

  it('gives shardOf of the decoded packet, or no answer, for every packet of the capture corpus and for damaged copies of them', async () => {
    const rng = new Prng(14);
    let packets = 0;
    let peeked = 0;
    let mutants = 0;
    for (const row of files) {
      let k = 0;
      await openCaptureFile(path.join(PCAPS, row.path)).run((v) => {
        packets++;
        const where = `${row.path} packet ${++k}`;
        if (agrees(v.data, v.offset, v.caplen, v.linktype, where)) peeked++;
        // Damage a copy of one packet in 20: a byte of the first 64 changed, or the capture cut short.
        if (k % 20 !== 0 || v.caplen === 0) return;
        const bytes = v.data.slice(v.offset, v.offset + v.caplen);
        const cut = rng.nextFloat() < 0.3 ? Math.floor(rng.nextFloat() * bytes.length) : bytes.length;
        bytes[Math.floor(rng.nextFloat() * Math.min(64, bytes.length))] = Math.floor(rng.nextFloat() * 256);
        if (agrees(bytes, 0, cut, v.linktype, `${where} damaged`)) mutants++;
      });
    }
    expect(wrong).toEqual([]);
    // The corpus is mostly plain TCP, UDP and ICMP over Ethernet: the peek must answer for most of it.
    expect(peeked / packets).toBeGreaterThan(0.5);
    expect(mutants).toBeGreaterThan(0);
  });
});
