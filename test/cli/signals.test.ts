// Issue 13, items 4 and 11: no signal ends netscore without the shutdown that
// flushes the anomaly log and outputs, SIGHUP and SIGUSR2 do not kill it, and
// SIGUSR1 no longer opens the V8 inspector on 127.0.0.1:9229.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthCapture, trainedModel } from './captures.js';
import { logFileLines, loggedEvents } from './anomaly-log-lines.js';
import { runCli, start } from './spawn.js';

const dir = mkdtempSync(path.join(tmpdir(), 'netscore-signals-'));
let model = '';
let attacks = '';

beforeAll(async () => {
  ({ model } = await trainedModel(dir));
  attacks = await synthCapture(dir, 'attacks', ['--duration=240', '--hosts=50']);
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));


/** Starts a paced replay (20 times real time: about 12 s) and waits for its first anomaly. */
async function pacedReplay(name: string) {
  const logFile = path.join(dir, `${name}.jsonl`);
  const ns = start(['replay', attacks, '--replay.speed=20', `--model.file=${model}`, `--anomaly.log-file=${logFile}`, '--summary']);
  const until = Date.now() + 60_000;
  while (loggedEvents(ns.stderr()) === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  expect(loggedEvents(ns.stderr())).toBeGreaterThan(0);
  return { ns, logFile };
}

/** Listening TCP sockets on port 9229 that belong to `pid`. */
function inspectorSockets(pid: number): string[] {
  return execFileSync('ss', ['-Htlnp', 'sport = :9229'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes(`pid=${pid},`));
}

describe('signals during a replay', () => {
  it('SIGHUP, SIGUSR2 and SIGUSR1 neither stop nor kill it: every packet read, every anomaly logged, exit 0, no inspector', async () => {
    const { ns, logFile } = await pacedReplay('hup');
    try {
      for (const signal of ['SIGHUP', 'SIGUSR2', 'SIGUSR1'] as const) {
        ns.child.kill(signal);
        await new Promise((r) => setTimeout(r, 300));
      }
      expect(ns.running).toBe(true);
      expect(inspectorSockets(ns.child.pid!)).toEqual([]);
    } finally {
      await ns.exit;
    }
    expect(await ns.exit, ns.stderr()).toBe(0);
    expect(ns.stderr()).not.toContain('Debugger listening');
    expect(logFileLines(logFile).length).toBe(loggedEvents(ns.stderr()));
    const full = await runCli(['replay', '--summary', '--log.level=error', attacks]);
    expect(JSON.parse(ns.stdout()).packets).toBe(JSON.parse(full.stdout).packets);
  }, 120_000);

  it.each([
    ['SIGQUIT', 131],
    ['SIGALRM', 142],
  ] as const)('%s stops it through the same shutdown as SIGTERM: every anomaly raised is in the log, exit %i', async (signal, status) => {
    const { ns, logFile } = await pacedReplay(signal);
    ns.child.kill(signal);
    expect(await ns.exit).toBe(status);
    expect(ns.stderr()).toContain(`msg="stopping the replay" signal=${signal}`);
    expect(logFileLines(logFile).length).toBe(loggedEvents(ns.stderr()));
  }, 120_000);
});

describe.skipIf(process.getuid?.() !== 0)(`signals during run${process.getuid?.() === 0 ? '' : ' (skipped: needs root)'}`, () => {
  it('SIGUSR2 and SIGUSR1 do not end it and open no inspector; SIGQUIT then shuts it down with the flush, exit 0', async () => {
    const logFile = path.join(dir, 'run.jsonl');
    const ns = start(['run', '--capture.interface=lo', '--web.listen-address=127.0.0.1:0', `--anomaly.log-file=${logFile}`, `--model.state-dir=${path.join(dir, 'run-state')}`]);
    try {
      const until = Date.now() + 60_000;
      while (!ns.stderr().includes('msg=capturing') && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      for (const signal of ['SIGUSR2', 'SIGUSR1'] as const) {
        ns.child.kill(signal);
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(ns.running, ns.stderr()).toBe(true);
      expect(inspectorSockets(ns.child.pid!)).toEqual([]);
      expect(ns.stderr()).toContain('msg="signal ignored" signal=SIGUSR2');
      ns.child.kill('SIGQUIT');
      expect(await ns.exit).toBe(0);
    } finally {
      await ns.stop();
    }
    expect(ns.stderr()).not.toContain('Debugger listening');
    expect(ns.stderr()).toContain('msg="shutting down" signal=SIGQUIT');
    // The shutdown saved the model state.
    expect(readFileSync(path.join(dir, 'run-state', 'reservoir.bin')).length).toBeGreaterThan(0);
  }, 120_000);
});
