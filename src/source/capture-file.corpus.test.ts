import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openCaptureFile } from './capture-file.js';
import { CaptureError } from './source.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const corpus = path.resolve(repoRoot, '..', 'shared', 'pcaps');

/** Splits one CSV line with RFC 4180 quoting. */
function splitCsv(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(field);
      field = '';
    } else field += c;
  }
  out.push(field);
  return out;
}

interface Row {
  path: string;
  linktypes: number[];
  packets: number;
  bytes: number;
  description: string;
}

const [header, ...lines] = readFileSync(path.join(corpus, 'MANIFEST.csv'), 'utf8').trim().split('\n');
const cols = splitCsv(header);
const rows: Row[] = lines.map((line) => {
  const f = splitCsv(line);
  const get = (name: string) => f[cols.indexOf(name)];
  return {
    path: get('path'),
    linktypes: [...get('linktypes').matchAll(/(\d+)\(/g)].map((m) => Number(m[1])).sort((a, b) => a - b),
    packets: Number(get('packets')),
    bytes: Number(get('bytes')),
    description: get('description'),
  };
});

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

/**
 * tshark 4.0 also lists each pcapng Custom Block (types 0x00000BAD, 0x40000BAD)
 * as a frame of protocol "data" with no interface; they are not packets. These
 * are the Custom Block frames and bytes in MANIFEST's counts, i.e. MANIFEST minus
 * `tshark -r FILE -Y frame.interface_id -T fields -e frame.len` (count, sum).
 */
const CUSTOM_BLOCK_FRAMES: Record<string, { frames: number; bytes: number }> = {
  'decode/pcapng-be-all-block-types.pcapng': { frames: 3, bytes: 1596 - 1480 },
  'decode/pcapng-multi-section-mixed-endian.pcapng': { frames: 3, bytes: 2420 - 2304 },
};

/**
 * Wireshark guesses among pcap variants (libpcap.c's libpcap_try) and, for this
 * fuzzed file, frames its second record as a 20-byte-header "Nokia" record.
 * libpcap reads it as a plain pcap 2.4: `tcpdump -r FILE` prints 1 packet, then
 * "invalid packet capture length 1409179648"; that is the oracle here.
 */
const LIBPCAP_PACKETS: Record<string, number> = {
  'malformed/file-fuzzed-huge-record-length.pcap': 1,
};

const readable = rows.filter((r) => !r.description.includes('[tshark:') && r.packets > 0);
const damaged = rows.filter((r) => r.description.includes('[tshark:'));

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
    const got = await tally(path.join(corpus, row.path));
    const custom = CUSTOM_BLOCK_FRAMES[row.path] ?? { frames: 0, bytes: 0 };
    expect(got.error).toBeUndefined();
    expect(got.packets).toBe(row.packets - custom.frames);
    expect(got.bytes).toBe(row.bytes - custom.bytes);
    expect(got.declared).toEqual(row.linktypes);
    for (const lt of got.seen) expect(row.linktypes).toContain(lt);
  });

  it.each(damaged.map((r) => [r.path, r] as const))('%s: as many packets as tshark, then one-line error', async (_, row) => {
    const file = path.join(corpus, row.path);
    const got = await tally(file);
    expect(got.packets).toBeGreaterThanOrEqual(LIBPCAP_PACKETS[row.path] ?? row.packets);
    expect(got.error).toBeInstanceOf(CaptureError);
    const message = (got.error as Error).message;
    const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(message).toMatch(new RegExp(`^${escaped}: (record \\d+ at byte offset \\d+: .+|.+)$`));
    expect(message).not.toContain('\n');
    expect(message).not.toMatch(/\bat \S+:\d+:\d+/);
  });
});
