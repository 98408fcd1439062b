import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifest, PCAPS, reference } from '../../test/oracle/manifest.js';
import { openCaptureFile } from './capture-file.js';
import { CaptureError } from './source.js';

/** Reads a whole file, counting packets and wire bytes; returns the error instead of throwing. */
async function tally(file: string) {
  const source = openCaptureFile(file);
  let packets = 0;
  let bytes = 0;
  const seen = new Set<number>();
  let error: unknown;
  try {
    await source.run((p) => {
      packets++;
      bytes += p.wirelen;
      seen.add(p.linktype);
    });
  } catch (err) {
    error = err;
  }
  return { packets, bytes, seen, declared: [...source.linktypes].sort((a, b) => a - b), error };
}

const rows = loadManifest();
const readable = rows.filter((r) => !r.unreadable && r.packets > 0);
const damaged = rows.filter((r) => r.unreadable);

// The CLI-level oracle (test/oracle/replay-summary.test.ts) checks counts through the whole
// pipeline; this one checks what only the reader knows: declared and seen link types, and the
// error class of damaged files.
describe('capture reader against tshark (MANIFEST.csv)', () => {
  it('covers the corpus', () => {
    expect(readable.length).toBeGreaterThan(100);
    expect(damaged.map((r) => path.basename(r.path)).sort()).toEqual([
      'file-bad-record-length-tls.pcap',
      'file-cut-short-mid-packet.pcap',
      'file-fuzzed-huge-record-length.pcap',
      'file-fuzzed-nsec-cut-short.pcap',
      'file-linktype-reserved-bits-set.pcap',
      'file-pcap-invalid-version.pcap',
      'file-pcapng-invalid-version.pcapng',
      'file-pcapng-shb-option-too-long.pcapng',
    ]);
  });

  it.each(readable.map((r) => [r.path, r] as const))('%s: packets, bytes and link types', async (_, row) => {
    const got = await tally(path.join(PCAPS, row.path));
    const want = reference(row);
    expect(got.error).toBeUndefined();
    expect({ packets: got.packets, bytes: got.bytes }).toEqual({ packets: want.packets, bytes: want.bytes });
    expect(got.declared).toEqual(row.linktypes);
    for (const lt of got.seen) expect(row.linktypes).toContain(lt);
  });

  it.each(damaged.map((r) => [r.path, r] as const))('%s: as many packets as the reference, then a one-line CaptureError', async (_, row) => {
    const file = path.join(PCAPS, row.path);
    const got = await tally(file);
    expect(got.packets).toBeGreaterThanOrEqual(reference(row).packets);
    expect(got.error).toBeInstanceOf(CaptureError);
    const message = (got.error as Error).message;
    const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(message).toMatch(new RegExp(`^${escaped}: (record \\d+ at byte offset \\d+: .+|.+)$`));
    expect(message).not.toContain('\n');
    expect(message).not.toMatch(/\bat \S+:\d+:\d+/);
  });
});
