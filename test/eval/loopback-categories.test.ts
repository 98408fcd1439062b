/**
 * Categories on the labelled loopback-a scenario (real tools: nmap, hping3;
 * see its README), trained on its benign baseline only. Oracle: the labels,
 * which say what each attack was. The floods are hping3's: the SYN flood hits
 * an open port, so every SYN is answered and the attacker's kernel resets it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/spawn.js';

const DIR = path.resolve(import.meta.dirname, '..', '..', '..', 'shared', 'labelled', 'loopback-a');

/** The category every detected window of these attack types must have. */
const CATEGORY: Record<string, string> = { portscan: 'scan', synflood: 'flood', udpflood: 'flood', dnstunnel: 'dns-tunnel', exfil: 'exfiltration' };

describe.skipIf(!existsSync(DIR))('categories on loopback-a', () => {
  it('names the SYN flood against an open port and the UDP flood flood, the port scan scan, the DNS tunnel dns-tunnel and the upload exfiltration', async () => {
    const { code, stdout, stderr } = await runCli([
      'eval',
      path.join(DIR, 'scenario-a.pcap.gz'),
      `--labels=${path.join(DIR, 'labels-a.json')}`,
      `--train=${path.join(DIR, 'baseline-a.pcap.gz')}`,
      '--log.level=warn',
    ]);
    expect([code, stderr]).toEqual([0, '']);
    // Rows of the per-type table: type, windows, detected, recall, expected category, windows named so, categories (e.g. `flood:2 other:1`).
    const rows = new Map(
      [...stdout.matchAll(/^(\w+)\s+\d+\s+(\d+)\s+[\d.]+\s+(\S+)\s+(\S+)\s+(.*)$/gm)].map((m) => [m[1], { detected: Number(m[2]), expected: m[3], named: m[4], categories: m[5].trim() }]),
    );
    for (const [type, category] of Object.entries(CATEGORY)) {
      const r = rows.get(type);
      expect(r?.detected, type).toBeGreaterThan(0);
      expect(r?.categories, type).toBe(`${category}:${r?.detected}`);
      expect([r?.expected, r?.named], type).toEqual([category, String(r?.detected)]);
    }
  }, 60_000);
});
