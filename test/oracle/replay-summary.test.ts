import path from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { OPTIONS, resolveOptions } from '../../src/cli/options.js';
import { replayFiles } from '../../src/cli/replay.js';
import { KNOWN_DIFFERENCES, loadManifest, PCAPS, reference } from './manifest.js';

const options = resolveOptions(OPTIONS, { 'flow.max': '10000' }, {});
const silent = pino({ level: 'silent' });
const manifest = loadManifest();

describe('replay --summary against tshark (MANIFEST.csv, MANIFEST-outer.csv)', () => {
  it('keeps the known-differences list short and about real files', () => {
    expect(new Set(KNOWN_DIFFERENCES.map((k) => k.file)).size).toBeLessThanOrEqual(7);
    for (const k of KNOWN_DIFFERENCES) expect(manifest.some((m) => m.path === k.file), k.file).toBe(true);
  });

  for (const m of manifest.filter((e) => !e.unreadable)) {
    it(m.path, async () => {
      const { summary, errors } = await replayFiles([path.join(PCAPS, m.path)], options, silent);
      expect(errors).toEqual([]);
      const want = reference(m);
      const got: Record<string, number> = { packets: summary.packets, bytes: summary.bytes, vlan: summary.vlan_tagged };
      for (const [k, v] of Object.entries(summary.outer)) got[`outer_${k}`] = v;
      for (const k of Object.keys(got)) if (!(k in want)) delete got[k];
      expect(got).toEqual(want);
    });
  }
});

describe('replay of files tshark cannot read completely', () => {
  for (const m of manifest.filter((e) => e.unreadable)) {
    it(`${m.path} reads at least as many records as the reference, then fails with one line`, async () => {
      const file = path.join(PCAPS, m.path);
      const { summary, errors } = await replayFiles([file], options, silent);
      expect(summary.packets).toBeGreaterThanOrEqual(reference(m).packets);
      expect(errors).toHaveLength(1);
      expect(errors[0]).not.toContain('\n');
      expect(errors[0].startsWith(`${file}: `)).toBe(true);
    });
  }
});
