// Writes a synthetic Ethernet/IPv4 capture of small TCP and UDP packets over many flows,
// for the end-to-end replay benchmark. Deterministic (seeded), written in 4 MiB blocks.
import { openSync, writeSync, closeSync } from 'node:fs';

/** Writes `packets` records to `path`; returns the byte size. */
export function generateCapture(path, packets, flowCount = 50_000) {
  let seed = 12345;
  const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const flows = Array.from({ length: flowCount }, () => ({
    src: (rnd() * 2 ** 32) >>> 0,
    dst: (rnd() * 2 ** 32) >>> 0,
    sport: 1024 + Math.floor(rnd() * 60000),
    dport: [80, 443, 53, 22][Math.floor(rnd() * 4)],
    proto: rnd() < 0.5 ? 6 : 17,
  }));
  const fd = openSync(path, 'w');
  const block = Buffer.alloc(4 << 20);
  let at = 0;
  const hdr = Buffer.alloc(24);
  hdr.writeUInt32LE(0xa1b2c3d4, 0);
  hdr.writeUInt16LE(2, 4);
  hdr.writeUInt16LE(4, 6);
  hdr.writeUInt32LE(65535, 16);
  hdr.writeUInt32LE(1, 20);
  writeSync(fd, hdr);
  let total = 24;
  let usec = 0;
  for (let i = 0; i < packets; i++) {
    const f = flows[rnd() < 0.9 ? Math.floor(rnd() * flowCount) : Math.floor(rnd() * 100)];
    const rev = rnd() < 0.5;
    const l4len = f.proto === 6 ? 20 : 8;
    const len = 14 + 20 + l4len + 20;
    if (at + 16 + len > block.length) {
      writeSync(fd, block, 0, at);
      total += at;
      at = 0;
    }
    usec += 10;
    block.writeUInt32LE(1_700_000_000 + Math.floor(usec / 1e6), at);
    block.writeUInt32LE(usec % 1e6, at + 4);
    block.writeUInt32LE(len, at + 8);
    block.writeUInt32LE(len, at + 12);
    const p = at + 16;
    block.fill(0, p, p + len);
    block.writeUInt16BE(0x0800, p + 12);
    block[p + 14] = 0x45;
    block.writeUInt16BE(len - 14, p + 16);
    block[p + 22] = 64;
    block[p + 23] = f.proto;
    block.writeUInt32BE(rev ? f.dst : f.src, p + 26);
    block.writeUInt32BE(rev ? f.src : f.dst, p + 30);
    block.writeUInt16BE(rev ? f.dport : f.sport, p + 34);
    block.writeUInt16BE(rev ? f.sport : f.dport, p + 36);
    if (f.proto === 6) {
      block[p + 46] = 0x50;
      block[p + 47] = 0x18;
    } else {
      block.writeUInt16BE(l4len + 20, p + 38);
    }
    at += 16 + len;
  }
  writeSync(fd, block, 0, at);
  total += at;
  closeSync(fd);
  return total;
}
