import { ipText } from '../util/ip-text.js';
import { mix32 } from './word-hash.js';

/** Peer slots kept per host (space-saving counters); the top PEERS_SHOWN of them are reported. */
export const PEER_SLOTS = 8;
/** Peers reported per host-window. */
export const PEERS_SHOWN = 5;

/** A destination a host sent packets to in a window. */
export interface Peer {
  /** Destination address in text form. */
  address: string;
  /** Destination TCP/UDP port; absent for other protocols. */
  port?: number;
  /** Packets the host sent to it (an estimate: at most the smallest kept count too high once more destinations than slots were seen). */
  packets: number;
}

/** Port value of a destination without one. */
const NO_PORT = -1;

/**
 * A bounded per-entry top-k of (destination address, port) by packets: the
 * space-saving algorithm with PEER_SLOTS counters per entry. A destination not
 * kept replaces the smallest counter and inherits its count, so a destination
 * with more than 1/PEER_SLOTS of an entry's packets is always kept. Tables of
 * the same size merge by adding the other's counters as packets of their
 * destinations (counts add).
 */
export class PeerTable {
  // The arrays are read and written whole by the partial-window codec.
  /** Destination ids (nonzero) per slot: ids[entry * PEER_SLOTS + slot]; 0 is an empty slot. */
  readonly ids: Uint32Array;
  /** Packets per slot. */
  readonly counts: Float64Array;
  /** Four address words per slot (IPv4 uses the first). */
  readonly words: Uint32Array;
  /** Destination port per slot (-1: none). */
  readonly ports: Int32Array;
  /** IP version of each entry's destinations. */
  readonly versions: Uint8Array;

  constructor(readonly entries: number) {
    this.ids = new Uint32Array(entries * PEER_SLOTS);
    this.counts = new Float64Array(entries * PEER_SLOTS);
    this.words = new Uint32Array(entries * PEER_SLOTS * 4);
    this.ports = new Int32Array(entries * PEER_SLOTS);
    this.versions = new Uint8Array(entries);
  }

  /** Counts `n` packets of entry `e` to the address in words[at..at+4) (IPv4: words[at] only) and `port` (-1 for none). */
  add(e: number, version: number, words: Uint32Array, at: number, port: number, n = 1): void {
    const v6 = version === 6;
    let id = mix32(words[at] ^ mix32(port ^ 0x3c6ef372));
    if (v6) id = mix32(id ^ mix32(words[at + 1] ^ mix32(words[at + 2] ^ mix32(words[at + 3]))));
    if (id === 0) id = 1;
    const base = e * PEER_SLOTS;
    const ids = this.ids;
    let min = base;
    for (let s = base, end = base + PEER_SLOTS; s < end; s++) {
      const sid = ids[s];
      if (sid === id && this.words[s * 4] === words[at] && this.ports[s] === port) {
        this.counts[s] += n;
        return;
      }
      if (sid === 0) {
        min = s;
        break;
      }
      if (this.counts[s] < this.counts[min]) min = s;
    }
    this.versions[e] = version;
    ids[min] = id;
    this.counts[min] += n;
    const w = min * 4;
    this.words[w] = words[at];
    this.words[w + 1] = v6 ? words[at + 1] : 0;
    this.words[w + 2] = v6 ? words[at + 2] : 0;
    this.words[w + 3] = v6 ? words[at + 3] : 0;
    this.ports[min] = port;
  }

  /** Empties entry `e`. */
  clear(e: number): void {
    for (let s = e * PEER_SLOTS, end = s + PEER_SLOTS; s < end; s++) {
      this.ids[s] = 0;
      this.counts[s] = 0;
    }
  }

  /** Adds entry `o` of `other` into entry `e`. */
  merge(e: number, other: PeerTable, o: number): void {
    for (let s = o * PEER_SLOTS, end = s + PEER_SLOTS; s < end && other.ids[s] !== 0; s++) {
      this.add(e, other.versions[o], other.words, s * 4, other.ports[s], other.counts[s]);
    }
  }

  /** The `limit` destinations of entry `e` with most packets, most first. */
  top(e: number, limit = PEERS_SHOWN): Peer[] {
    const slots: number[] = [];
    for (let s = e * PEER_SLOTS, end = s + PEER_SLOTS; s < end && this.ids[s] !== 0; s++) slots.push(s);
    // Ties go by address and port, so the order does not depend on which slot a destination took.
    slots.sort((a, b) => this.counts[b] - this.counts[a] || this.words[a * 4] - this.words[b * 4] || this.words[a * 4 + 3] - this.words[b * 4 + 3] || this.ports[a] - this.ports[b]);
    return slots.slice(0, limit).map((s) => {
      const address = ipText(this.versions[e], this.words, s * 4);
      return this.ports[s] === NO_PORT ? { address, packets: this.counts[s] } : { address, port: this.ports[s], packets: this.counts[s] };
    });
  }
}
