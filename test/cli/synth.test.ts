import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WIDE_ATTACK_TYPES } from '../../src/synth/types.js';
import { runCli } from './spawn.js';

describe('netscore synth --profile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'synth-cli-'));

  it('wide with the default attacks labels the wide set; none gives a benign-only five minutes', async () => {
    const attacks = await runCli(['synth', '--profile', 'wide', '--seed', '4', '--duration', '90', '--hosts', '8', '-o', join(dir, 'w.pcap'), '--labels', join(dir, 'w.json')]);
    expect(attacks.code, attacks.stderr).toBe(0);
    const labels = JSON.parse(readFileSync(join(dir, 'w.json'), 'utf8'));
    expect(new Set(labels.attacks.map((a: { type: string }) => a.type))).toEqual(new Set(WIDE_ATTACK_TYPES));
    const benign = await runCli(['synth', '--profile', 'wide', '--attacks', 'none', '--duration', '5m', '--hosts', '6', '-o', join(dir, 'b.pcap'), '--labels', join(dir, 'b.json')]);
    expect(benign.code, benign.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'b.json'), 'utf8'))).toEqual({ evaluation: { window_s: 10 }, attacks: [] });
  }, 120_000);

  it('--truth writes per window and source host what was sent, every packet of the capture once and every attack in its attacker rows', async () => {
    const r = await runCli(['synth', '--profile', 'wide', '--seed', '5', '--duration', '60', '--hosts', '6', '-o', join(dir, 't.pcap'), '--labels', join(dir, 't.json'), '--truth', join(dir, 't.csv')]);
    expect(r.code, r.stderr).toBe(0);
    const [header, ...lines] = readFileSync(join(dir, 't.csv'), 'utf8').trimEnd().split('\n');
    expect(header).toBe('window_start,host,label,attack_ids,packets_sent,bytes_sent,attack_packets_sent');
    const rows = lines.map((l) => l.split(','));
    // Packets in the pcap: walk the 16-byte record headers after the 24-byte file header.
    const pcap = readFileSync(join(dir, 't.pcap'));
    let packets = 0;
    for (let at = 24; at < pcap.length; at += 16 + pcap.readUInt32LE(at + 8)) packets++;
    expect(rows.reduce((n, c) => n + Number(c[4]), 0)).toBe(packets);
    const labels = JSON.parse(readFileSync(join(dir, 't.json'), 'utf8')) as { attacks: { id: string; attacker_ip: string }[] };
    for (const a of labels.attacks) expect(rows.some((c) => c[1] === a.attacker_ip && c[2] === 'attack' && c[3].split(';').includes(a.id)), a.id).toBe(true);
    expect(rows.every((c) => (c[2] === 'benign') === (c[6] === '0'))).toBe(true);
  }, 120_000);

  it('names a bad profile or attack in one line and exits 2', async () => {
    for (const [flag, value] of [
      ['--profile', 'huge'],
      ['--attacks', 'sweep,teleport'],
    ]) {
      const r = await runCli(['synth', flag, value, '-o', join(dir, 'x.pcap')]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(`invalid value for ${flag}`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
