import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/cli/logger.js';
import { OPTIONS, resolveOptions } from '../../src/cli/options.js';
import { replayFiles } from '../../src/cli/replay.js';
import { StageError } from '../../src/pipeline/stage-error.js';
import { synthCapture, trainedModel } from './captures.js';
import { freePort } from '../support/free-port.js';
import { waitForHttp } from '../support/wait-for.js';
import { logFileLines, loggedEvents } from './anomaly-log-lines.js';
import { runCli, sample, start, total } from './spawn.js';

const dir = mkdtempSync(path.join(tmpdir(), 'netscore-nothing-lost-'));
let model = '';
/** Four minutes of 50 hosts with every attack: about 30 anomalies under the model, and 2 000 scored host-windows of 1 s. */
let attacks = '';

beforeAll(async () => {
  ({ model } = await trainedModel(dir));
  attacks = await synthCapture(dir, 'attacks', ['--duration=240', '--hosts=50']);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));


/** Runs replayFiles in-process with a logger whose lines are collected. */
async function replayInProcess(flags: Record<string, unknown>, file: string) {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    done();
  } });
  const result = await replayFiles([file], resolveOptions(OPTIONS, flags, {}), createLogger('info', 'logfmt', sink));
  return { ...result, lines, text: await result.registry.metrics() };
}

describe('the anomaly log loses nothing silently', () => {
  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)('%s during a replay: the replay stops, every anomaly raised is in the log, exit %i', async (signal, status) => {
    const logFile = path.join(dir, `${signal}.jsonl`);
    // 20 times real time: 12 s of replay, stopped after the first anomalies, while later ones are still buffered.
    const ns = start(['replay', attacks, '--replay.speed=20', `--model.file=${model}`, `--anomaly.log-file=${logFile}`, '--summary']);
    try {
      const until = Date.now() + 30_000;
      while (loggedEvents(ns.stderr()) === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect(loggedEvents(ns.stderr())).toBeGreaterThan(0);
    } finally {
      ns.child.kill(signal);
    }
    expect(await ns.exit).toBe(status);
    const raised = loggedEvents(ns.stderr());
    expect(logFileLines(logFile)).toHaveLength(raised);
    // Stopped early: the summary counts fewer packets than the capture holds.
    const full = await runCli(['replay', '--summary', '--log.level=error', attacks]);
    expect(JSON.parse(ns.stdout()).packets).toBeLessThan(JSON.parse(full.stdout).packets);
  });

  /** A full disk: /dev/full, and (as root) a real file system that fills up. */
  const disks: [string, () => { file: string; release: () => void } | undefined][] = [
    [
      '/dev/full',
      () => {
        const link = path.join(dir, 'full.jsonl');
        rmSync(link, { force: true });
        execFileSync('ln', ['-s', '/dev/full', link]);
        return { file: link, release: () => rmSync(link) };
      },
    ],
    [
      'a 4 KiB tmpfs',
      () => {
        const mnt = path.join(dir, 'tiny');
        mkdirSync(mnt, { recursive: true });
        try {
          execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4k', 'tmpfs', mnt], { stdio: 'ignore' });
        } catch {
          return undefined; // not root, or no CAP_SYS_ADMIN in this container
        }
        return { file: path.join(mnt, 'anomalies.jsonl'), release: () => execFileSync('umount', [mnt]) };
      },
    ],
  ];

  it.each(disks)('a full disk (%s): said once, every lost line counted, the written lines whole', async (_, setup) => {
    const disk = setup();
    if (disk === undefined) return;
    try {
      const { lines, text, failure } = await replayInProcess({ 'model.file': model, 'anomaly.log-file': disk.file }, attacks);
      expect(failure).toBeUndefined();
      const anomalies = total(text, 'netscore_anomalies_total');
      expect(anomalies).toBeGreaterThan(10);
      const errors = lines.filter((l) => l.includes('level=error'));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/anomaly log .+: ENOSPC: .*; dropping lines until it can write again/);
      const logged = loggedEvents(lines.join('\n'));
      expect(logged).toBeGreaterThan(anomalies);
      const written = disk.file.endsWith('full.jsonl') ? 0 : logFileLines(disk.file).length;
      expect(written).toBeLessThan(logged);
      expect(sample(text, 'netscore_anomaly_log_lines_lost_total')).toBe(logged - written);
    } finally {
      disk.release();
    }
  });
});

describe('a stage that throws stops netscore loudly', () => {
  // --scores-out on a full device: the CSV stream fails, and the next window's rows make the scoring stage throw.
  const flags = ['--window=1s', '--model.warmup=10s', '--scores-out=/dev/full'];

  it('one error line with the stage, packet, packet time and file; the anomalies raised so far flushed; summary printed; exit 1', async () => {
    const logFile = path.join(dir, 'stage.jsonl');
    const { code, stdout, stderr } = await runCli(['replay', '--summary', attacks, ...flags, `--anomaly.log-file=${logFile}`]);
    expect(code).toBe(1);
    const errors = stderr.split('\n').filter((l) => l.includes('level=error'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      new RegExp(`msg="pipeline stage failed; stopped" stage=scoring packet=(\\d+) packet_time=\\S+Z source=${attacks.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} err="scores output /dev/full: ENOSPC: `),
    );
    const packet = Number(/packet=(\d+)/.exec(errors[0])![1]);
    expect(JSON.parse(stdout).packets).toBe(packet);
    expect(logFileLines(logFile)).toHaveLength(loggedEvents(stderr));
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  it('is counted in netscore_stage_failures_total', async () => {
    const o = Object.fromEntries(flags.map((f) => f.slice(2).split('=') as [string, string]));
    const { failure, text, summary } = await replayInProcess(o, attacks);
    expect(failure).toBeInstanceOf(StageError);
    expect(failure).toMatchObject({ stage: 'scoring', packet: summary.packets, file: attacks });
    expect(sample(text, 'netscore_stage_failures_total', { stage: 'scoring' })).toBe(1);
    for (const stage of ['decode', 'flows', 'features']) expect(sample(text, 'netscore_stage_failures_total', { stage })).toBe(0);
  });
});

const root = process.getuid?.() === 0;
const built = existsSync(path.resolve(import.meta.dirname, '..', '..', 'build', 'Release', 'netscore_pcap.node'));

describe.skipIf(!root || !built)('a stage that throws stops `run` (live capture on lo, as root)', () => {
  it('logs it once, flushes the anomaly log, closes the server and exits 1', async () => {
    const web = await freePort();
    const target = await freePort();
    const logFile = path.join(dir, 'run.jsonl');
    const ns = start([
      'run', '--capture.interface=lo', `--capture.filter=udp port ${target}`, `--web.listen-address=127.0.0.1:${web}`,
      `--model.file=${model}`, '--window=1s', '--scores-out=/dev/full', `--anomaly.log-file=${logFile}`,
    ]);
    let exited = false;
    void ns.exit.then(() => (exited = true));
    // 250 loopback sources, a row each per 1 s window: the CSV buffer reaches the full device within seconds.
    const sockets = await Promise.all(
      Array.from({ length: 250 }, (_, i) => new Promise<ReturnType<typeof createSocket>>((resolve) => {
        const s = createSocket('udp4');
        s.bind(0, `127.0.0.${i + 2}`, () => resolve(s));
      })),
    );
    try {
      await waitForHttp(`http://127.0.0.1:${web}/healthz`);
      for (const until = Date.now() + 60_000; !exited && Date.now() < until; await new Promise((r) => setTimeout(r, 100))) {
        for (const s of sockets) s.send(Buffer.alloc(32), target, '127.0.0.1');
      }
    } finally {
      for (const s of sockets) s.close();
      ns.child.kill('SIGKILL');
    }
    expect(await ns.exit).toBe(1);
    const errors = ns.stderr().split('\n').filter((l) => l.includes('level=error'));
    expect(errors).toEqual([expect.stringMatching(/msg="pipeline stage failed; stopped" stage=scoring packet=\d+ packet_time=\S+Z .*err="scores output \/dev\/full: ENOSPC: /)]);
    expect(logFileLines(logFile)).toHaveLength(loggedEvents(ns.stderr()));
    await expect(fetch(`http://127.0.0.1:${web}/healthz`)).rejects.toThrow();
  }, 90_000);
});
