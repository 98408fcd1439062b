import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openCaptureFile } from '../source/capture-file.js';
import { L3 } from './decoded-packet.js';
import { Decoder } from './decoder.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const corpus = path.resolve(repoRoot, '..', 'shared', 'pcaps');

/** Fields of one MANIFEST line, honouring RFC 4180 quotes. */
function csvFields(line: string): string[] {
  return (line.match(/("(?:[^"]|"")*"|[^,]*)(?:,|$)/g) ?? []).map((f) => f.replace(/,$/, ''));
}

function readCsv(file: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(path.join(corpus, file), 'utf8').trim().split('\n');
  const names = csvFields(header);
  return lines.map((line) => Object.fromEntries(csvFields(line).map((v, i) => [names[i], v])));
}

const COUNTED = ['outer_ipv4', 'outer_ipv6', 'outer_arp', 'outer_tcp', 'outer_udp', 'outer_icmp', 'outer_icmpv6', 'vlan'] as const;
const vlanByPath = new Map(readCsv('MANIFEST.csv').map((r) => [r.path, r.vlan]));
const known = JSON.parse(readFileSync(path.join(repoRoot, 'test', 'oracle', 'known-differences.json'), 'utf8')) as {
  file: string;
  fields: string[];
}[];
const rows = readCsv('MANIFEST-outer.csv').filter((r) => Number(r.packets) > 0);

describe('outer counts equal tshark (MANIFEST-outer.csv, vlan from MANIFEST.csv)', () => {
  const decoder = new Decoder();
  it.each(rows.map((r) => [r.path, r] as const))('%s', async (file, row) => {
    const got: Record<string, number> = Object.fromEntries(COUNTED.map((k) => [k, 0]));
    let packets = 0;
    await openCaptureFile(path.join(corpus, file))
      .run((v) => {
        packets++;
        const p = decoder.decode(v.data, v.offset, v.caplen, v.linktype);
        if (p.outerL3 === L3.IPV4) got.outer_ipv4++;
        else if (p.outerL3 === L3.IPV6) got.outer_ipv6++;
        else if (p.outerL3 === L3.ARP) got.outer_arp++;
        if (p.outerL4 === 6) got.outer_tcp++;
        else if (p.outerL4 === 17) got.outer_udp++;
        else if (p.outerL4 === 1) got.outer_icmp++;
        else if (p.outerL4 === 58) got.outer_icmpv6++;
        if (p.vlanTags > 0) got.vlan++;
      })
      .catch(() => undefined); // damaged files: compare the packets read before the damage
    // Where the reader and tshark deliver different records the counts are not comparable;
    // packet counts are the reader's concern (capture-file.corpus.test.ts).
    if (packets !== Number(row.packets)) return;
    const skip = new Set(known.filter((k) => k.file === file).flatMap((k) => k.fields));
    const want: Record<string, string | undefined> = { ...row, vlan: vlanByPath.get(file) };
    for (const k of COUNTED) if (!skip.has(k)) expect(`${k}=${got[k]}`).toBe(`${k}=${want[k]}`);
  });
});
