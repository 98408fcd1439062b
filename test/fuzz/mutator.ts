import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { Decoder } from '../../src/decode/decoder.js';
import { openCaptureFile } from '../../src/source/capture-file.js';
import { Prng } from '../../src/util/prng.js';
import { ET, Stack, type LengthField } from './stack.js';

/** One packet of the seed corpus. */
export interface Seed {
  bytes: Uint8Array;
  linktype: number;
  wirelen: number;
  /** Whether the decoder reads it without error (only then does a single length mutation have a known outcome). */
  clean: boolean;
  /** Tunnels the decoder unwrapped in it. */
  tunnels: number;
  /** Length fields of its outermost IP header and the transport header after it (Ethernet, VLAN, SLL and raw IP links). */
  fields: LengthField[];
  /** The IP packet inside an untagged Ethernet frame (for tunnelling it), or undefined. */
  ip?: { start: number; etherType: number };
}

/** A mutated packet and what was done to it. */
export interface Mutant {
  bytes: Uint8Array;
  linktype: number;
  wirelen: number;
  /** Seconds added to the packet time: most are 0, a few lie backwards or forwards. */
  skew: number;
  /** The operations applied, for a failure report. */
  ops: string[];
  /** `layer/reason` the decoder must report, when a single impossible length makes the outcome certain. */
  expect?: string;
}

/** Link types the decoder knows, plus one it does not (for the `linktype` mutation). */
const LINKTYPES = [0, 1, 12, 14, 101, 108, 113, 228, 229, 239, 276, 147];
/** Packets taken from each capture, so that large captures do not crowd out small ones. */
const PER_FILE = 2000;
/** Layers of an ordinary random tunnel stack, and the rare very deep one. */
const STACK_LAYERS = 12;
const DEEP_STACK_LAYERS = 400;

/** Reads up to PER_FILE packets of every capture under `dir` (damaged files up to their damage), in a fixed order. */
export async function loadSeeds(dir: string): Promise<Seed[]> {
  const seeds: Seed[] = [];
  const decoder = new Decoder();
  for (const file of captureFiles(dir)) {
    const source = openCaptureFile(file);
    let n = 0;
    await source
      .run((v) => {
        if (n++ === PER_FILE) source.stop();
        if (n > PER_FILE) return;
        const bytes = v.data.slice(v.offset, v.offset + v.caplen);
        const p = decoder.decode(bytes, 0, bytes.length, v.linktype);
        seeds.push({ bytes, linktype: v.linktype, wirelen: v.wirelen, clean: p.errLayer === 0, tunnels: p.encapDepth, ...locate(bytes, v.linktype) });
      })
      .catch(() => undefined);
  }
  return seeds;
}

function captureFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) return captureFiles(full);
      return /\.(pcap|pcapng|cap)(\.gz)?$/.test(name) ? [full] : [];
    });
}

/**
 * Finds the outermost IP header and its TCP or UDP header by walking the
 * bytes directly (independently of src/decode): the fields a length
 * mutation aims at.
 */
function locate(b: Uint8Array, linktype: number): { fields: LengthField[]; ip?: Seed['ip'] } {
  let off: number;
  let type: number;
  let untagged = true;
  if (linktype === 1) {
    off = 12;
    type = u16(b, off);
    while (type === 0x8100 || type === 0x88a8 || type === 0x9100) {
      off += 4;
      type = u16(b, off);
      untagged = false;
    }
    off += 2;
  } else if (linktype === 113) {
    type = u16(b, 14);
    off = 16;
  } else if (linktype === 101 || linktype === 12 || linktype === 14 || linktype === 228 || linktype === 229) {
    off = 0;
    type = b[0] >> 4 === 4 ? ET.IPV4 : b[0] >> 4 === 6 ? ET.IPV6 : -1;
  } else return { fields: [] };
  const fields: LengthField[] = [];
  const field = (name: string, at: number, width: LengthField['width'], minimum: number) => fields.push({ name, at, fromEnd: b.length - at, width, minimum });
  let l4 = -1;
  let proto = -1;
  if (type === ET.IPV4 && off + 20 <= b.length && b[off] >> 4 === 4) {
    field('ipv4.ihl', off, 'lo', 5);
    field('ipv4.total_length', off + 2, 'u16', (b[off] & 15) * 4);
    const fragmented = (u16(b, off + 6) & 0x3fff) !== 0;
    if (!fragmented) {
      l4 = off + (b[off] & 15) * 4;
      proto = b[off + 9];
    }
  } else if (type === ET.IPV6 && off + 40 <= b.length && b[off] >> 4 === 6) {
    field('ipv6.payload_length', off + 4, 'u16', 0);
    l4 = off + 40;
    proto = b[off + 6];
  } else return { fields: [] };
  if (proto === 6 && l4 + 20 <= b.length) field('tcp.data_offset', l4 + 12, 'hi', 5);
  if (proto === 17 && l4 + 8 <= b.length) field('udp.length', l4 + 4, 'u16', 8);
  return { fields, ip: linktype === 1 && untagged ? { start: off, etherType: type } : undefined };
}

function u16(b: Uint8Array, at: number): number {
  return at + 2 <= b.length ? (b[at] << 8) | b[at + 1] : -1;
}

/** Builds mutant number `index` of the run seeded `seed`; the same pair always gives the same bytes. */
export function mutate(seeds: readonly Seed[], seed: number, index: number): Mutant {
  const rng = new Prng((Math.imul(seed, 0x9e3779b1) ^ index) >>> 0);
  const s = seeds[rng.int(0, seeds.length - 1)];
  const m: Mutant = { bytes: s.bytes, linktype: s.linktype, wirelen: s.wirelen, skew: 0, ops: [] };
  let fields = s.fields;
  let clean = s.clean;
  if (s.ip !== undefined && rng.chance(0.2)) {
    const stack = new Stack(s.bytes.subarray(s.ip.start), s.ip.etherType);
    const names = randomStack(rng, stack, rng.chance(0.01) ? DEEP_STACK_LAYERS : STACK_LAYERS);
    m.bytes = stack.frame();
    m.linktype = 1;
    m.wirelen = m.bytes.length;
    m.ops.push(`nest(${names.join(',')})`);
    fields = stack.fields;
    // Still clean when the wrappers and the seed's own tunnels stay well inside the default limits (128 headers, 16 tunnels).
    clean = clean && stack.depth <= 100 && stack.tunnels + s.tunnels <= 16;
  } else {
    m.bytes = s.bytes.slice();
  }
  const ops = rng.int(1, 3);
  for (let i = 0; i < ops; i++) {
    const op = rng.int(0, 99);
    if (op < 30) flipBits(rng, m);
    else if (op < 45) setBytes(rng, m);
    else if (op < 60) truncate(rng, m);
    else if (op < 85 && fields.length > 0) {
      const expect = setLength(rng, m, rng.pick(fields));
      // Only a lone mutation of a clean packet has a certain outcome; past 64 KiB a UDP length of 65535 may fit.
      if (ops === 1 && clean && m.bytes.length < 0xffff) m.expect = expect;
    } else if (op < 90) splice(rng, m, seeds[rng.int(0, seeds.length - 1)]);
    else if (op < 95) lieAboutLength(rng, m);
    else if (op < 98) {
      m.linktype = rng.pick(LINKTYPES);
      m.ops.push(`linktype(${m.linktype})`);
    } else {
      m.skew = rng.pick([-30, -1, 1, 30]) * rng.nextFloat();
      m.ops.push(`skew(${m.skew.toFixed(3)})`);
    }
  }
  return m;
}

/** Wraps `stack` in 1 to `max` random layers; returns their names, innermost first. */
export function randomStack(rng: Prng, stack: Stack, max: number): string[] {
  const names: string[] = [];
  const layers = rng.int(1, max);
  for (let i = 0; i < layers; i++) {
    const inner = stack.etherType;
    const ip = inner === ET.IPV4 || inner === ET.IPV6;
    const options = ip ? WRAPPERS.length : inner === ET.MPLS ? WRAPPERS.length - 2 : WRAPPERS.length - 3;
    const [name, wrap] = WRAPPERS[rng.int(0, options - 1)];
    wrap(stack, rng);
    names.push(name === 'ip-in-ip' ? `${inner === ET.IPV4 ? 4 : 6}in${stack.etherType === ET.IPV4 ? 4 : 6}` : name);
  }
  return names;
}

/** Wrappers any bytes take, then MPLS (IP or labels inside), then IP-in-IP (IP inside). */
const WRAPPERS: [string, (s: Stack, rng: Prng) => void][] = [
  ['vlan', (s, rng) => s.vlan(rng.int(1, 3))],
  ['gre', (s) => s.gre()],
  ['vxlan', (s) => s.vxlan()],
  ['eth', (s) => s.ethernet()],
  ['cmd', (s) => s.ciscoMetadata()],
  ['mpls', (s, rng) => s.mpls(rng.int(1, 3))],
  ['ip-in-ip', (s, rng) => s.ipInIp(rng.chance(0.5) ? 4 : 6)],
];

function flipBits(rng: Prng, m: Mutant): void {
  if (m.bytes.length === 0) return;
  const n = rng.int(1, 8);
  for (let i = 0; i < n; i++) m.bytes[rng.int(0, m.bytes.length - 1)] ^= 1 << rng.int(0, 7);
  m.ops.push(`flip(${n})`);
}

function setBytes(rng: Prng, m: Mutant): void {
  if (m.bytes.length === 0) return;
  const n = rng.int(1, 4);
  for (let i = 0; i < n; i++) m.bytes[rng.int(0, m.bytes.length - 1)] = rng.pick([0, 0xff, rng.int(0, 255)]);
  m.ops.push(`bytes(${n})`);
}

function truncate(rng: Prng, m: Mutant): void {
  const keep = rng.int(0, m.bytes.length);
  m.bytes = m.bytes.slice(0, keep);
  m.ops.push(`truncate(${keep})`);
}

/** Replaces the tail of the packet from a random point with the tail of another seed. */
function splice(rng: Prng, m: Mutant, other: Seed): void {
  const at = rng.int(0, m.bytes.length);
  const from = rng.int(0, other.bytes.length);
  const out = new Uint8Array(at + other.bytes.length - from);
  out.set(m.bytes.subarray(0, at));
  out.set(other.bytes.subarray(from), at);
  m.bytes = out;
  m.ops.push(`splice(${at})`);
}

/** A wire length the capture header claims: 0, below the captured bytes, or up to 4 GiB. */
function lieAboutLength(rng: Prng, m: Mutant): void {
  m.wirelen = rng.pick([0, rng.int(0, m.bytes.length), m.bytes.length + rng.int(1, 65536), 0xffffffff]);
  m.ops.push(`wirelen(${m.wirelen})`);
}

/**
 * Sets a length field to an extreme value; returns the decode error that
 * value makes certain (`layer/reason`), if any, for a packet that decoded
 * cleanly and has no other damage.
 */
function setLength(rng: Prng, m: Mutant, f: LengthField): string | undefined {
  const at = m.bytes.length - f.fromEnd;
  const width = f.width;
  if (at < 0 || at + (width === 'u16' ? 2 : 1) > m.bytes.length) return undefined;
  const max = width === 'u16' ? 0xffff : width === 'u8' ? 0xff : 15;
  const old = width === 'u16' ? (m.bytes[at] << 8) | m.bytes[at + 1] : width === 'hi' ? m.bytes[at] >> 4 : width === 'lo' ? m.bytes[at] & 15 : m.bytes[at];
  const value = Math.min(max, Math.max(0, rng.pick([0, 1, f.minimum - 1, f.minimum, old - 1, old + 1, max >> 1, max - 1, max, rng.int(0, max)])));
  const b = m.bytes;
  if (width === 'u16') {
    b[at] = value >> 8;
    b[at + 1] = value & 0xff;
  }
  else if (width === 'u8') b[at] = value;
  else if (width === 'hi') b[at] = (b[at] & 0x0f) | (value << 4);
  else b[at] = (b[at] & 0xf0) | value;
  m.ops.push(`${f.name}=${value}`);
  if (value === old) return undefined;
  switch (f.name) {
    case 'ipv4.ihl':
      return value < 5 ? 'ipv4/bad_header_length' : undefined;
    case 'ipv4.total_length':
      // 0 means "the whole capture" (TSO); below the header length it cannot be.
      return value !== 0 && value < f.minimum ? 'ipv4/bad_total_length' : undefined;
    case 'tcp.data_offset':
      return value < 5 ? 'tcp/bad_data_offset' : undefined;
    case 'udp.length':
      // 1-7 is shorter than the header; 65535 always runs past an IP payload that has room for a UDP header.
      return (value !== 0 && value < 8) || value === 0xffff ? 'udp/bad_length' : undefined;
    case 'ipv6.extension_length':
      // (255 + 1) × 8 bytes cannot fit in these packets.
      return value === 0xff && b.length < 2048 ? 'ipv6/bad_extension_header' : undefined;
    default:
      return undefined;
  }
}
