import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeSynth } from '../synth/synth.js';
import { CaptureError } from './source.js';
import { openSource } from './sources.js';

const dir = mkdtempSync(path.join(tmpdir(), 'netscore-sources-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('packet source registry', () => {
  it('opens a file by kind; its stats count every packet the writer wrote', async () => {
    const file = path.join(dir, 'a.pcap');
    const written = await writeSynth({ seed: 3, duration: 30, attacks: [] }, file);
    const source = openSource('file', file);
    expect(source.name).toBe(file);
    expect(source.setFilter).toBeUndefined();
    let delivered = 0;
    await source.run(() => delivered++);
    expect(delivered).toBe(written.packets);
    expect(source.stats()).toEqual({ received: written.packets, dropped: 0, ifDropped: 0 });
  });

  it('opens a live interface by kind without capturing until asked; it can change its filter', () => {
    const source = openSource('live', 'lo', { snaplen: 256 });
    expect(source.name).toBe('lo');
    expect(typeof source.setFilter).toBe('function');
    expect(source.stats()).toEqual({ received: 0, dropped: 0, ifDropped: 0 });
  });

  it('names the known kinds when asked for an unknown one', () => {
    expect(() => openSource('carrier-pigeon', 'x')).toThrow(CaptureError);
    expect(() => openSource('carrier-pigeon', 'x')).toThrow(/unknown packet source kind "carrier-pigeon" \(known: file, live\)/);
  });
});
