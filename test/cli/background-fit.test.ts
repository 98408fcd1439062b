import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { waitFor, waitForHttp } from '../support/wait-for.js';
import { synthCapture } from './captures.js';
import { sample, start } from './spawn.js';

const dir = mkdtempSync(path.join(tmpdir(), 'netscore-bgfit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('model refits in a paced replay', () => {
  it('run on the worker thread of the built CLI: the generation rises and no fit falls back to the main thread', async () => {
    const capture = await synthCapture(dir, 'benign', ['--seed=5', '--duration=300', '--hosts=8', '--attacks=none']);
    const port = await freePort();
    // 100× real time with a refit every 60 s of packet time: a new model about every 0.6 s of wall time.
    const ns = start(['replay', '--replay.loop=0', '--replay.speed=100', '--model.warmup=60s', '--model.retrain-interval=60s', '--log.level=warn', `--web.listen-address=127.0.0.1:${port}`, capture]);
    try {
      await waitForHttp(`http://127.0.0.1:${port}/healthz`);
      const text = await waitFor(
        async () => {
          const t = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
          return (sample(t, 'netscore_model_generation') ?? 0) >= 5 && t;
        },
        { timeoutMs: 60_000, what: 'the fifth model' },
      );
      expect(sample(text, 'netscore_model_state', { state: 'scoring' })).toBe(1);
      expect(sample(text, 'netscore_model_training_samples')).toBeGreaterThanOrEqual(64);
    } finally {
      await ns.stop();
    }
    expect(ns.stderr()).not.toMatch(/fit/);
  });
});
