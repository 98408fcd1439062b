import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { PcapWriter } from './pcap-writer.js';

it('writes the classic little-endian µs header and records across flushes', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'pcapw-')), 'x.pcap');
  const w = await PcapWriter.create(path);
  const frame = Uint8Array.from({ length: 1500 }, (_, i) => i & 255);
  const n = 3000; // ~4.5 MB: more than one buffer
  for (let i = 0; i < n; i++) if (w.add(1_700_000_000 + i, 999_999, frame)) await w.flush();
  await w.close();
  const file = readFileSync(path);
  const v = new DataView(file.buffer, file.byteOffset, file.byteLength);
  expect(file.length).toBe(w.bytes);
  expect(file.length).toBe(24 + n * (16 + 1500));
  expect([v.getUint32(0, true), v.getUint16(4, true), v.getUint16(6, true), v.getUint32(16, true), v.getUint32(20, true)]).toEqual([0xa1b2c3d4, 2, 4, 65535, 1]);
  const last = 24 + (n - 1) * 1516;
  expect([v.getUint32(last, true), v.getUint32(last + 4, true), v.getUint32(last + 8, true), v.getUint32(last + 12, true)]).toEqual([1_700_000_000 + n - 1, 999_999, 1500, 1500]);
  expect(file[last + 16 + 300]).toBe(300 & 255);
});
