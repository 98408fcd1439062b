import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The shared capture corpus, beside the repository (../shared/pcaps). */
export const PCAPS = path.resolve(import.meta.dirname, '..', '..', '..', 'shared', 'pcaps');

/** Parses RFC 4180 CSV (quoted fields, doubled quotes) into records keyed by the header. */
export function readCsv(file: string): Record<string, string>[] {
  const text = readFileSync(file, 'utf8');
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else if (c !== '\r') field += c;
  }
  if (field || row.length) {
    row.push(field);
    rows.push(row);
  }
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

/** One capture's reference facts from MANIFEST.csv joined with MANIFEST-outer.csv. */
export interface ManifestEntry {
  path: string;
  packets: number;
  bytes: number;
  vlan: number;
  description: string;
  /** tshark could not read the whole file ("[tshark: ...]" in the description). */
  unreadable: boolean;
  /** LINKTYPE_* values the file declares, ascending. */
  linktypes: number[];
  outer: { ipv4: number; ipv6: number; arp: number; tcp: number; udp: number; icmp: number; icmpv6: number };
}

/** Loads the corpus manifest. */
export function loadManifest(): ManifestEntry[] {
  const outer = new Map(readCsv(path.join(PCAPS, 'MANIFEST-outer.csv')).map((r) => [r.path, r]));
  return readCsv(path.join(PCAPS, 'MANIFEST.csv')).map((r) => {
    const o = outer.get(r.path)!;
    return {
      path: r.path,
      packets: Number(r.packets),
      bytes: Number(r.bytes),
      vlan: Number(r.vlan),
      description: r.description,
      unreadable: r.description.includes('[tshark:'),
      linktypes: [...r.linktypes.matchAll(/(\d+)\(/g)].map((m) => Number(m[1])).sort((a, b) => a - b),
      outer: {
        ipv4: Number(o.outer_ipv4), ipv6: Number(o.outer_ipv6), arp: Number(o.outer_arp), tcp: Number(o.outer_tcp),
        udp: Number(o.outer_udp), icmp: Number(o.outer_icmp), icmpv6: Number(o.outer_icmpv6),
      },
    };
  });
}

/** A file where tshark counts by another definition: `fields` are not compared, `expected` replaces tshark's values. */
export interface KnownDifference {
  file: string;
  fields?: string[];
  expected?: Record<string, number>;
  reason: string;
}

/** The known differences, from known-differences.json beside this file. */
export const KNOWN_DIFFERENCES: KnownDifference[] = JSON.parse(readFileSync(path.join(import.meta.dirname, 'known-differences.json'), 'utf8'));

/** The reference for `m`: tshark's counts with known differences applied; skipped fields are absent. */
export function reference(m: ManifestEntry): Record<string, number> {
  const want: Record<string, number> = { packets: m.packets, bytes: m.bytes, vlan: m.vlan };
  for (const [k, v] of Object.entries(m.outer)) want[`outer_${k}`] = v;
  for (const k of KNOWN_DIFFERENCES.filter((d) => d.file === m.path)) {
    Object.assign(want, k.expected);
    for (const f of k.fields ?? []) delete want[f];
  }
  return want;
}
