import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { OPTIONS, resolveOptions } from '../../src/cli/options.js';
import { replayFiles } from '../../src/cli/replay.js';
import { loadManifest, PCAPS } from './manifest.js';

/** Files where tshark counts by another definition; each entry names the fields and the reason. */
const KNOWN: { file: string; fields: string[]; reason: string }[] = existsSync(path.join(import.meta.dirname, 'known-differences.json'))
  ? JSON.parse(readFileSync(path.join(import.meta.dirname, 'known-differences.json'), 'utf8'))
  : [];

const options = resolveOptions(OPTIONS, { 'flow.max': '10000' }, {});
const silent = pino({ level: 'silent' });
const manifest = loadManifest();

describe('replay --summary against tshark (MANIFEST.csv, MANIFEST-outer.csv)', () => {
  it('keeps the known-differences list short', () => {
    expect(KNOWN.length).toBeLessThanOrEqual(6);
    for (const k of KNOWN) expect(manifest.some((m) => m.path === k.file), k.file).toBe(true);
  });

  for (const m of manifest.filter((e) => !e.unreadable)) {
    it(m.path, async () => {
      const { summary, errors } = await replayFiles([path.join(PCAPS, m.path)], options, silent);
      expect(errors).toEqual([]);
      const skip = new Set(KNOWN.filter((k) => k.file === m.path).flatMap((k) => k.fields));
      const got: Record<string, number> = { packets: summary.packets, bytes: summary.bytes, vlan: summary.vlan_tagged };
      const want: Record<string, number> = { packets: m.packets, bytes: m.bytes, vlan: m.vlan };
      for (const [k, v] of Object.entries(summary.outer)) got[`outer_${k}`] = v;
      for (const [k, v] of Object.entries(m.outer)) want[`outer_${k}`] = v;
      for (const f of skip) delete got[f], delete want[f];
      expect(got).toEqual(want);
    });
  }
});

describe('replay of files tshark cannot read completely', () => {
  for (const m of manifest.filter((e) => e.unreadable)) {
    it(`${m.path} reads at least tshark's ${m.packets} records, then fails with one line`, async () => {
      const file = path.join(PCAPS, m.path);
      const { summary, errors } = await replayFiles([file], options, silent);
      expect(summary.packets).toBeGreaterThanOrEqual(m.packets);
      expect(errors).toHaveLength(1);
      expect(errors[0]).not.toContain('\n');
      expect(errors[0].startsWith(`${file}: `)).toBe(true);
    });
  }
});
