import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands.js';
import { runCli } from './spawn.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

describe('command-line conventions', () => {
  it.each([
    [['run', '--replay.speed', '5'], /^netscore: --replay\.speed \(an option of replay\) does not apply to netscore run; see netscore run --help for its options\n$/],
    [['replay', '--run-as', 'nobody', 'x.pcap'], /^netscore: --run-as \(an option of run\) does not apply to netscore replay; /],
    [['synth', '--model.file', 'x', '-o', 'x.pcap'], /^netscore: --model\.file \(an option of run, replay, eval\) does not apply to netscore synth; /],
    [['interfaces', '--no-scoring'], /^netscore: --scoring \(an option of run, replay\) does not apply to netscore interfaces; /],
  ])('%j: an option that does not apply is an error naming it (exit 2)', async (args, message) => {
    const { code, stderr } = await runCli(args);
    expect(stderr).toMatch(message);
    expect(code).toBe(2);
  });

  it('an unknown command says so, suggests the nearest one and lists them all (exit 2)', async () => {
    const names = COMMANDS.map((c) => c.name).join(', ');
    const typo = await runCli(['rpelay', 'x.pcap']);
    expect(typo.stderr).toBe(`netscore: unknown command "rpelay"; did you mean "replay"? (commands: ${names}; see netscore --help)\n`);
    expect(typo.code).toBe(2);
    const far = await runCli(['frobnicate']);
    expect(far.stderr).toBe(`netscore: unknown command "frobnicate" (commands: ${names}; see netscore --help)\n`);
    expect(far.code).toBe(2);
  });

  it('completion prints a bash script that completes commands and each command\'s flags', async () => {
    const { code, stdout } = await runCli(['completion']);
    expect(code).toBe(0);
    const complete = (...words: string[]) =>
      execFileSync('bash', ['-c', `${stdout}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _netscore; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean);
    expect(complete('netscore', 'rep')).toEqual(['replay']);
    expect(complete('netscore', 'replay', '--replay.s')).toEqual(['--replay.speed']);
    expect(complete('netscore', 'synth', '--lab')).toEqual(['--labels']);
    expect(complete('netscore', 'run', '--replay.s')).toEqual([]);
  });

  it('--version prints the version, the git revision and the build date', async () => {
    const { code, stdout } = await runCli(['--version']);
    expect(code).toBe(0);
    const version = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    const m = /^netscore (\S+) \(revision ([0-9a-f]{7,40}), built (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ), node v\d+\.\d+\.\d+\)\n$/.exec(stdout);
    expect(m, stdout).not.toBeNull();
    const [, printed, revision, built] = m ?? [];
    expect(printed).toBe(version);
    // The revision is a commit of this repository.
    expect(spawnSync('git', ['cat-file', '-e', `${revision}^{commit}`], { cwd: ROOT }).status).toBe(0);
    expect(Date.now() - Date.parse(built)).toBeGreaterThanOrEqual(0);
  });

  it('interfaces marks the default interface, in the table and in --output json', async () => {
    const json = await runCli(['interfaces', '--output', 'json']);
    expect(json.code).toBe(0);
    const devices = JSON.parse(json.stdout) as { name: string; default: boolean; flags: string[]; addresses: string[] }[];
    const marked = devices.filter((d) => d.default).map((d) => d.name);
    expect(marked).toHaveLength(1);
    // The oracle: the kernel's routing table, read by iproute2.
    const route = execFileSync('ip', ['-j', 'route', 'show', 'default'], { encoding: 'utf8' });
    const dev = (JSON.parse(route) as { dev: string }[])[0]?.dev;
    expect(dev, 'this test needs a default route').toBeDefined();
    expect(marked[0]).toBe(dev);
    const table = await runCli(['interfaces']);
    const starred = table.stdout.split('\n').filter((l) => l.startsWith('*')).map((l) => l.split(/\s+/)[1]);
    expect(starred).toEqual(marked);
    const rows = table.stdout.split('\n').slice(1, devices.length + 1);
    expect(rows.map((l) => l.replace(/^\*/, '').trim().split(/\s+/)[0])).toEqual(devices.map((d) => d.name));
  });

  it('bin/netscore runs the built CLI from any directory', () => {
    const r = spawnSync(path.join(ROOT, 'bin', 'netscore'), ['--version'], { cwd: '/', encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^netscore \S+ \(revision /);
  });
});
