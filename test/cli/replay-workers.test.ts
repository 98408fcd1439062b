import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PCAPS } from '../oracle/manifest.js';
import { runCli } from './spawn.js';

const dir = mkdtempSync(path.join(tmpdir(), 'netscore-workers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('netscore replay --capture.workers (process)', () => {
  it('prints the summary and writes the scores of one worker with two', async () => {
    const synth = path.join(dir, 'synth.pcap');
    expect((await runCli(['synth', '-o', synth, '--duration', '300', '--hosts', '6', '--log.level=error'])).code).toBe(0);
    const files = [synth, path.join(PCAPS, 'attacks', 'scan-nmap-connect.pcap')];
    const out = async (workers: number) => {
      const scores = path.join(dir, `scores-${workers}.csv`);
      const r = await runCli(['replay', `--capture.workers=${workers}`, '--summary', '--log.level=error', '--flow.max=100000', '--model.warmup=60', `--scores-out=${scores}`, ...files]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const { elapsed_seconds, ...summary } = JSON.parse(r.stdout);
      return { summary, scores: readFileSync(scores, 'utf8') };
    };
    const one = await out(1);
    const two = await out(2);
    expect(one.scores.split('\n').length).toBeGreaterThan(10);
    expect(two).toEqual(one);
  });

  it('reports a damaged file once, with its record and byte offset, reads the next, and counts as one worker; exit 1', async () => {
    const damaged = path.join(PCAPS, 'malformed', 'file-cut-short-mid-packet.pcap');
    const files = [damaged, path.join(PCAPS, 'attacks', 'scan-nmap-connect.pcap')];
    const out = async (workers: number) => {
      const r = await runCli(['replay', `--capture.workers=${workers}`, '--replay.loop=2', '--summary', '--log.level=error', '--flow.max=100000', ...files]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^netscore: ${damaged.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: record 26 at byte offset \\d+: [^\n]+\\n$`));
      const { elapsed_seconds, ...summary } = JSON.parse(r.stdout);
      return { stderr: r.stderr, summary };
    };
    const one = await out(1);
    expect(await out(2)).toEqual(one);
  });

  it.each([
    [['replay', '--capture.workers=0', 'x.pcap'], /^netscore: invalid value for --capture\.workers: "0" \(want at least 1\)\n$/],
    [['replay', '--capture.workers=many', 'x.pcap'], /^netscore: invalid value for --capture\.workers: "many" \(want an integer or auto\)\n$/],
  ])('%j fails with one line and exit 2', async (args, message) => {
    const { code, stderr } = await runCli(args as string[]);
    expect(stderr).toMatch(message);
    expect(code).toBe(2);
  });

  it('takes auto (one worker per core but one)', async () => {
    const file = path.join(PCAPS, 'decode', 'tunnel-vxlan-http.pcap');
    const r = await runCli(['replay', '--capture.workers=auto', '--summary', '--log.level=error', file]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).packets).toBe(12);
  });
});
