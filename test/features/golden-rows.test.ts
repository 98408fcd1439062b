import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SynthOptions } from '../../src/synth/synth.js';
import { captureRows, synthRows, type RowsDigest, type RowsSettings } from './feature-rows.js';

const pcaps = '/work/shared/pcaps';
const golden = path.resolve(import.meta.dirname, '..', 'fixtures', 'golden', 'feature-rows.json');
const DEFAULTS: RowsSettings = { windowSeconds: 10, maxHosts: 10_000, flowMax: 1_000_000 };
/** A small host table and flow table: host eviction, untracked hosts and slot reuse under pressure. */
const TIGHT: RowsSettings = { windowSeconds: 10, maxHosts: 16, flowMax: 256 };
/**
 * Tight hosts, and a flow table large enough that no window starts more
 * flows expecting an answer than it has slots: beyond that the old code left
 * flows unjudged unless their slot was reused, while flows are now judged
 * when the table reports their end.
 */
const TIGHT_HOSTS: RowsSettings = { windowSeconds: 10, maxHosts: 16, flowMax: 1024 };

/** Captures with TCP, UDP, DNS, ICMP, IPv6, scans, floods and brute force between them. */
const CAPTURES: [string, RowsSettings][] = [
  ['benign/web-browse-wikipedia.pcap', DEFAULTS],
  ['benign/doh-benign-browsing.pcap', DEFAULTS],
  ['attacks/dns-tunnel-iodine.pcap', DEFAULTS],
  ['attacks/scan-nmap-udp.pcap', DEFAULTS],
  ['attacks/scan-nmap-syn.pcap', DEFAULTS],
  ['attacks/bruteforce-ssh-password-guessing.pcap', DEFAULTS],
  ['attacks/icmp-tunnel.pcap', DEFAULTS],
  ['attacks/dos-ipv6-rsmurf.pcap', DEFAULTS],
  ['attacks/flood-syn-spoofed-sources.pcap', DEFAULTS],
  ['attacks/flood-syn-spoofed-sources.pcap', TIGHT],
];

const SYNTH: [string, SynthOptions, RowsSettings][] = [
  ['all attacks', { seed: 7, duration: 900, hosts: 12, attacks: ['scan', 'slowscan', 'synflood', 'udpflood', 'dnstunnel', 'bruteforce', 'beacon', 'exfil'] }, DEFAULTS],
  ['all attacks, tight tables', { seed: 11, duration: 600, hosts: 20, attacks: ['scan', 'synflood', 'dnstunnel', 'beacon'] }, TIGHT_HOSTS],
];

const record = process.env.UPDATE_GOLDEN !== undefined || !existsSync(golden);
const expected: Record<string, RowsDigest> = record ? {} : JSON.parse(readFileSync(golden, 'utf8'));
const actual: Record<string, RowsDigest> = {};
const key = (name: string, s: RowsSettings) => `${name} window=${s.windowSeconds} hosts=${s.maxHosts} flows=${s.flowMax}`;

/**
 * Feature rows of real captures and synth runs, digested, against the rows the
 * features produced before windows were split into accumulator and closer
 * (recorded from that code): one shard must give bit-identical rows.
 */
describe('feature rows against the recorded golden digests', () => {
  for (const [file, settings] of CAPTURES) {
    const k = key(file, settings);
    it(k, async () => {
      actual[k] = await captureRows(path.join(pcaps, file), settings);
      if (!record) expect(actual[k]).toEqual(expected[k]);
      expect(actual[k].rows).toBeGreaterThan(0);
    });
  }
  for (const [name, opts, settings] of SYNTH) {
    const k = key(`synth ${name} seed=${opts.seed} duration=${opts.duration}`, settings);
    it(k, () => {
      actual[k] = synthRows(opts, settings);
      if (!record) expect(actual[k]).toEqual(expected[k]);
      expect(actual[k].rows).toBeGreaterThan(0);
    });
  }
  if (record) it('records the digests', () => writeFileSync(golden, `${JSON.stringify(actual, null, 2)}\n`));
});
