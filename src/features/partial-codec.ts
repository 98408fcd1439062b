import { HOST_KEY, N_COUNTERS, N_SKETCHES, type PartialWindow } from './partial-window.js';
import { PEER_SLOTS } from './peer-table.js';

/** Words of the codec's header: start, hosts, carried flows, second slots. */
const HEADER = 4;

type Typed = Float64Array | Uint32Array | Int32Array | Uint8Array;
type TypedCtor = { new (buffer: ArrayBufferLike, offset: number, length: number): Typed; BYTES_PER_ELEMENT: number };

/**
 * The sections of an encoded partial with `n` hosts and `c` carried flows,
 * each 8-byte aligned, in one buffer; `views` cuts them out of `buffer`.
 */
function layout(p: PartialWindow, n: number, c: number): { bytes: number; views(buffer: ArrayBufferLike): Typed[] } {
  const m = p.sketches[0].m;
  const sections: [TypedCtor, number][] = [
    [Float64Array, HEADER],
    [Uint32Array, n * HOST_KEY],
    [Float64Array, n],
    [Float64Array, n * N_COUNTERS],
    [Uint8Array, p.sketches.length * n * m],
    [Uint8Array, p.untracked.m],
    [Uint32Array, n * p.secondSlots],
    [Uint32Array, n * PEER_SLOTS],
    [Float64Array, n * PEER_SLOTS],
    [Uint32Array, n * PEER_SLOTS * 4],
    [Int32Array, n * PEER_SLOTS],
    [Uint8Array, n],
    [Uint32Array, c * HOST_KEY],
    [Uint8Array, c],
    [Uint32Array, c],
  ];
  const offsets: number[] = [];
  let bytes = 0;
  for (const [ctor, length] of sections) {
    offsets.push(bytes);
    bytes += Math.ceil((length * ctor.BYTES_PER_ELEMENT) / 8) * 8;
  }
  return { bytes, views: (buffer) => sections.map(([ctor, length], i) => new ctor(buffer, offsets[i], length)) };
}

/**
 * Encodes the hosts and carried verdicts of partial `p` into one transferable
 * buffer (a capture worker posts it at each window close); its size is
 * proportional to the hosts in the window, not to the table.
 */
export function encodePartial(p: PartialWindow): ArrayBuffer {
  const live: number[] = [];
  for (let e = 0; e < p.highWater; e++) if (p.stamp[e] !== 0) live.push(e);
  const n = live.length;
  const c = p.carriedCount;
  const { bytes, views } = layout(p, n, c);
  const buffer = new ArrayBuffer(bytes);
  const [header, keys, first, counters, registers, untracked, seconds, ids, counts, words, ports, versions, carriedKeys, carriedFailed, carriedServices] = views(buffer);
  header.set([p.start, n, c, p.secondSlots]);
  const m = p.sketches[0].m;
  const peers = p.peers;
  live.forEach((e, i) => {
    keys.set(p.hosts.keys.subarray(e * HOST_KEY, (e + 1) * HOST_KEY), i * HOST_KEY);
    first[i] = p.first[e];
    counters.set(p.counters.subarray(e * N_COUNTERS, (e + 1) * N_COUNTERS), i * N_COUNTERS);
    p.sketches.forEach((s, k) => {
      registers.set(s.registers.subarray(e * m, (e + 1) * m), (k * n + i) * m);
    });
    seconds.set(p.seconds.subarray(e * p.secondSlots, (e + 1) * p.secondSlots), i * p.secondSlots);
    ids.set(peers.ids.subarray(e * PEER_SLOTS, (e + 1) * PEER_SLOTS), i * PEER_SLOTS);
    counts.set(peers.counts.subarray(e * PEER_SLOTS, (e + 1) * PEER_SLOTS), i * PEER_SLOTS);
    words.set(peers.words.subarray(e * PEER_SLOTS * 4, (e + 1) * PEER_SLOTS * 4), i * PEER_SLOTS * 4);
    ports.set(peers.ports.subarray(e * PEER_SLOTS, (e + 1) * PEER_SLOTS), i * PEER_SLOTS);
    versions[i] = peers.versions[e];
  });
  untracked.set(p.untracked.registers);
  carriedKeys.set(p.carriedKeys.subarray(0, c * HOST_KEY));
  carriedFailed.set(p.carriedFailed.subarray(0, c));
  carriedServices.set(p.carriedServices.subarray(0, c));
  return buffer;
}

/** Fills `p` (a partial of the same sizes, emptied here) from an `encodePartial` buffer; its hosts take entries 0, 1, ... in encoded order. */
export function decodePartial(buffer: ArrayBuffer, p: PartialWindow): void {
  const head = new Float64Array(buffer, 0, HEADER);
  const [start, n, c, secondSlots] = head;
  if (secondSlots !== p.secondSlots) throw new RangeError(`an encoded partial of ${secondSlots} second slots cannot fill one of ${p.secondSlots}`);
  const [, keys, first, counters, registers, untracked, seconds, ids, counts, words, ports, versions, carriedKeys, carriedFailed, carriedServices] = layout(p, n, c).views(buffer);
  p.reset(start);
  const m = p.sketches[0].m;
  const peers = p.peers;
  for (let i = 0; i < n; i++) {
    const e = p.hosts.insert(keys as Uint32Array, i * HOST_KEY);
    if (e < 0) throw new RangeError('an encoded partial holds more hosts than the partial it fills');
    p.stamp[e] = 1;
    if (e >= p.highWater) p.highWater = e + 1;
    p.first[e] = first[i];
    p.counters.set(counters.subarray(i * N_COUNTERS, (i + 1) * N_COUNTERS), e * N_COUNTERS);
    for (let k = 0; k < N_SKETCHES; k++) p.sketches[k].load(e, registers as Uint8Array, (k * n + i) * m);
    p.seconds.set(seconds.subarray(i * secondSlots, (i + 1) * secondSlots), e * secondSlots);
    peers.ids.set(ids.subarray(i * PEER_SLOTS, (i + 1) * PEER_SLOTS), e * PEER_SLOTS);
    peers.counts.set(counts.subarray(i * PEER_SLOTS, (i + 1) * PEER_SLOTS), e * PEER_SLOTS);
    peers.words.set(words.subarray(i * PEER_SLOTS * 4, (i + 1) * PEER_SLOTS * 4), e * PEER_SLOTS * 4);
    peers.ports.set(ports.subarray(i * PEER_SLOTS, (i + 1) * PEER_SLOTS), e * PEER_SLOTS);
    peers.versions[e] = versions[i];
  }
  p.untracked.load(0, untracked as Uint8Array, 0);
  for (let i = 0; i < c; i++) p.addCarried(carriedKeys as Uint32Array, i * HOST_KEY, carriedFailed[i] !== 0, carriedServices[i]);
}
