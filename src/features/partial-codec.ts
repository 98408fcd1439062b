import { HOST_KEY, N_COUNTERS, N_SKETCHES, type PartialWindow } from './partial-window.js';
import { PEER_SLOTS } from './peer-table.js';

/** Words of the codec's header: start, hosts, carried flows, second slots. */
const HEADER = 4;

/** The sections of an encoding, in order; `offsets` gives where each starts. */
const KEYS = 1;
const FIRST = 2;
const COUNTERS = 3;
const REGISTERS = 4;
const UNTRACKED = 5;
const SECONDS = 6;
const PEER_IDS = 7;
const PEER_COUNTS = 8;
const PEER_WORDS = 9;
const PEER_PORTS = 10;
const PEER_VERSIONS = 11;
const CARRIED_KEYS = 12;
const CARRIED_FAILED = 13;
const CARRIED_SERVICES = 14;
/** The index of the encoding's length in `offsets`. */
const END = 15;

/** Views of an encoding's per-host sections (`o` from `offsets`), for `n` hosts of `slots` second slots and sketches of `m` registers. */
function hostSections(buffer: ArrayBuffer, o: readonly number[], n: number, slots: number, m: number) {
  return {
    keys: new Uint32Array(buffer, o[KEYS], n * HOST_KEY),
    first: new Float64Array(buffer, o[FIRST], n),
    counters: new Float64Array(buffer, o[COUNTERS], n * N_COUNTERS),
    registers: new Uint8Array(buffer, o[REGISTERS], N_SKETCHES * n * m),
    seconds: new Uint32Array(buffer, o[SECONDS], n * slots),
    ids: new Uint32Array(buffer, o[PEER_IDS], n * PEER_SLOTS),
    counts: new Float64Array(buffer, o[PEER_COUNTS], n * PEER_SLOTS),
    words: new Uint32Array(buffer, o[PEER_WORDS], n * PEER_SLOTS * 4),
    ports: new Int32Array(buffer, o[PEER_PORTS], n * PEER_SLOTS),
    versions: new Uint8Array(buffer, o[PEER_VERSIONS], n),
  };
}

/**
 * Byte offsets of the sections of an encoded partial with `n` hosts and `c`
 * carried flows (the header at 0, each section 8-byte aligned), and at END
 * the encoding's length. The views are made one by one with their own
 * constructor (`hostSections`): a table of constructors mapped in one closure
 * cost the optimising compiler more than every window's encoding
 * (docs/benchmarks.md, workers3).
 */
function offsets(p: PartialWindow, n: number, c: number, secondSlots: number): number[] {
  const m = p.sketches[0].m;
  const bytes = [
    HEADER * 8,
    n * HOST_KEY * 4,
    n * 8,
    n * N_COUNTERS * 8,
    N_SKETCHES * n * m,
    p.untracked.m,
    n * secondSlots * 4,
    n * PEER_SLOTS * 4,
    n * PEER_SLOTS * 8,
    n * PEER_SLOTS * 16,
    n * PEER_SLOTS * 4,
    n,
    c * HOST_KEY * 4,
    c,
    c * 4,
  ];
  const out: number[] = [];
  let at = 0;
  for (const b of bytes) {
    out.push(at);
    at += Math.ceil(b / 8) * 8;
  }
  out.push(at);
  return out;
}

/** Copies rows [fromRow, fromRow + rows) of `from` to rows from `toRow` of `to`, rows of `width` elements. */
function copyRows(to: Float64Array | Uint32Array | Int32Array | Uint8Array, toRow: number, from: Float64Array | Uint32Array | Int32Array | Uint8Array, fromRow: number, rows: number, width: number): void {
  // Both are of one element type at every call: the casts only spare a type parameter.
  (to as Uint8Array).set((from as Uint8Array).subarray(fromRow * width, (fromRow + rows) * width), toRow * width);
}

/**
 * Encodes the hosts and carried verdicts of partial `p` into one transferable
 * buffer (a capture worker posts it at each window close): `spare` if it is
 * large enough, else a new one of the next power of two; the encoding's size
 * is proportional to the hosts in the window, not to the table.
 */
export function encodePartial(p: PartialWindow, spare?: ArrayBuffer): ArrayBuffer {
  const live: number[] = [];
  for (let e = 0; e < p.highWater; e++) if (p.stamp[e] !== 0) live.push(e);
  const n = live.length;
  const c = p.carriedCount;
  const slots = p.secondSlots;
  const o = offsets(p, n, c, slots);
  const buffer = spare !== undefined && spare.byteLength >= o[END] ? spare : new ArrayBuffer(2 ** Math.ceil(Math.log2(o[END])));
  const header = new Float64Array(buffer, 0, HEADER);
  header[0] = p.start;
  header[1] = n;
  header[2] = c;
  header[3] = slots;
  const m = p.sketches[0].m;
  const { keys, first, counters, registers, seconds, ids, counts, words, ports, versions } = hostSections(buffer, o, n, slots, m);
  const peers = p.peers;
  // Live entries are copied in runs of consecutive entries (usually one: entries are freed only by eviction).
  for (let i = 0; i < n; ) {
    const e = live[i];
    let rows = 1;
    while (i + rows < n && live[i + rows] === e + rows) rows++;
    copyRows(keys, i, p.hosts.keys, e, rows, HOST_KEY);
    copyRows(first, i, p.first, e, rows, 1);
    copyRows(counters, i, p.counters, e, rows, N_COUNTERS);
    for (let k = 0; k < N_SKETCHES; k++) copyRows(registers, k * n + i, p.sketches[k].registers, e, rows, m);
    copyRows(seconds, i, p.seconds, e, rows, slots);
    copyRows(ids, i, peers.ids, e, rows, PEER_SLOTS);
    copyRows(counts, i, peers.counts, e, rows, PEER_SLOTS);
    copyRows(words, i, peers.words, e, rows, PEER_SLOTS * 4);
    copyRows(ports, i, peers.ports, e, rows, PEER_SLOTS);
    copyRows(versions, i, peers.versions, e, rows, 1);
    i += rows;
  }
  new Uint8Array(buffer, o[UNTRACKED], p.untracked.m).set(p.untracked.registers);
  new Uint32Array(buffer, o[CARRIED_KEYS], c * HOST_KEY).set(p.carriedKeys.subarray(0, c * HOST_KEY));
  new Uint8Array(buffer, o[CARRIED_FAILED], c).set(p.carriedFailed.subarray(0, c));
  new Uint32Array(buffer, o[CARRIED_SERVICES], c).set(p.carriedServices.subarray(0, c));
  return buffer;
}

/** Fills `p` (a partial of the same sizes, emptied here) from an `encodePartial` buffer (which may be longer than its encoding); its hosts take entries 0, 1, ... in encoded order. */
export function decodePartial(buffer: ArrayBuffer, p: PartialWindow): void {
  const header = new Float64Array(buffer, 0, HEADER);
  const start = header[0];
  const n = header[1];
  const c = header[2];
  const slots = header[3];
  if (slots !== p.secondSlots) throw new RangeError(`an encoded partial of ${slots} second slots cannot fill one of ${p.secondSlots}`);
  const o = offsets(p, n, c, slots);
  const m = p.sketches[0].m;
  const { keys, first, counters, registers, seconds, ids, counts, words, ports, versions } = hostSections(buffer, o, n, slots, m);
  p.reset(start);
  // An emptied table hands out entries 0, 1, ...: host i takes entry i, so every section is copied whole.
  for (let i = 0; i < n; i++) if (p.hosts.insert(keys, i * HOST_KEY) !== i) throw new RangeError('an encoded partial holds more hosts than the partial it fills');
  p.stamp.fill(1, 0, n);
  p.highWater = n;
  p.first.set(first);
  p.counters.set(counters);
  for (let k = 0; k < N_SKETCHES; k++) p.sketches[k].load(0, registers, k * n * m, n);
  p.seconds.set(seconds);
  const peers = p.peers;
  peers.ids.set(ids);
  peers.counts.set(counts);
  peers.words.set(words);
  peers.ports.set(ports);
  peers.versions.set(versions);
  p.untracked.load(0, new Uint8Array(buffer, o[UNTRACKED], p.untracked.m), 0);
  const carriedKeys = new Uint32Array(buffer, o[CARRIED_KEYS], c * HOST_KEY);
  const carriedFailed = new Uint8Array(buffer, o[CARRIED_FAILED], c);
  const carriedServices = new Uint32Array(buffer, o[CARRIED_SERVICES], c);
  for (let i = 0; i < c; i++) p.addCarried(carriedKeys, i * HOST_KEY, carriedFailed[i] !== 0, carriedServices[i]);
}
