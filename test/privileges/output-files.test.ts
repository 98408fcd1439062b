// Issue 13, items 2, 5 and 10: `netscore run --run-as` as root opens its
// output files (scores CSV, anomaly log, model state) as the --run-as user, so
// a symlink planted by that user cannot make root overwrite a file, a root-only
// directory is not written into, and what is created belongs to that user.
// `--run-as root`, `0` and `''` are refused instead of claiming a drop.
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { start } from '../cli/spawn.js';
import { freePort } from '../support/free-port.js';
import { waitForHttp } from '../support/wait-for.js';

const root = process.getuid?.() === 0;
const built = existsSync(path.resolve(import.meta.dirname, '..', '..', 'build', 'Release', 'netscore_pcap.node'));
const skip = !root ? 'needs root, as CI runs' : !built ? 'libpcap addon not built' : '';
const NOBODY = 65534;

const base = mkdtempSync(path.join(tmpdir(), 'netscore-outputs-'));
chmodSync(base, 0o755);
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** A directory owned by nobody (mode 0755), as a --run-as nobody service's own directory would be. */
function nobodysDir(name: string): string {
  const dir = path.join(base, name);
  mkdirSync(dir);
  chownSync(dir, NOBODY, NOBODY);
  return dir;
}

/** A directory only root can enter (mode 0700). */
function rootOnlyDir(name: string): string {
  const dir = path.join(base, name);
  mkdirSync(dir, { mode: 0o700 });
  chmodSync(dir, 0o700);
  return dir;
}

const runArgs = (web: number, ...extra: string[]) => ['run', '--capture.interface=lo', '--run-as=nobody', `--web.listen-address=127.0.0.1:${web}`, '--log.format=json', ...extra];

/** Runs netscore until it exits, killing it after `ms` (a run that does not refuse keeps capturing). */
async function runBriefly(args: string[], ms = 30_000) {
  const ns = start(args);
  const timer = setTimeout(() => void ns.stop(), ms);
  const code = await ns.exit;
  clearTimeout(timer);
  return { code, stderr: ns.stderr() };
}

describe.skipIf(skip)(`netscore run --run-as: output files${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it.each([
    ['root', '--run-as root is uid 0, which keeps every privilege: name an unprivileged user, or leave the option out'],
    ['0', '--run-as 0 is uid 0, which keeps every privilege: name an unprivileged user, or leave the option out'],
    ['', '--run-as is empty: name the unprivileged user to switch to, or leave the option out'],
  ])('refuses --run-as=%j in one line before opening anything, never logging a drop', async (user, message) => {
    const r = await runBriefly(['run', '--capture.interface=lo', `--run-as=${user}`, '--web.listen-address=127.0.0.1:0', '--log.format=json']);
    expect(r.stderr).toBe(`netscore: ${message}\n`);
    expect(r.code).toBe(1);
  }, 60_000);

  it("does not follow the user's symlink to a root-only file for --scores-out", async () => {
    const secrets = rootOnlyDir('secrets');
    const secret = path.join(secrets, 'shadow');
    writeFileSync(secret, 'root only\n', { mode: 0o600 });
    const dir = nobodysDir('planted');
    const csv = path.join(dir, 'scores.csv');
    symlinkSync(secret, csv);
    const r = await runBriefly(runArgs(await freePort(), `--scores-out=${csv}`));
    expect(r.stderr).toMatch(new RegExp(`^netscore: scores output ${csv}: EACCES: permission denied, open '${csv}'\\n$`));
    expect(r.code).toBe(1);
    expect(readFileSync(secret, 'utf8')).toBe('root only\n');
  }, 60_000);

  it('does not create an anomaly log inside a root-only directory', async () => {
    const log = path.join(rootOnlyDir('private'), 'anomalies.jsonl');
    const r = await runBriefly(runArgs(await freePort(), `--anomaly.log-file=${log}`));
    expect(r.stderr).toMatch(new RegExp(`^netscore: anomaly log ${log}: EACCES: `));
    expect(r.code).toBe(1);
    expect(existsSync(log)).toBe(false);
  }, 60_000);

  it('creates the anomaly log, the scores CSV and the state files as the --run-as user, state files 0600', async () => {
    const dir = nobodysDir('service');
    const log = path.join(dir, 'anomalies.jsonl');
    const csv = path.join(dir, 'scores.csv');
    const state = path.join(dir, 'state');
    const web = await freePort();
    const ns = start(runArgs(web, `--anomaly.log-file=${log}`, `--scores-out=${csv}`, `--model.state-dir=${state}`));
    try {
      await waitForHttp(`http://127.0.0.1:${web}/healthz`, 30_000);
    } finally {
      await ns.stop();
    }
    expect(await ns.exit, ns.stderr()).toBe(0);
    for (const file of [log, csv, state, path.join(state, 'reservoir.bin')]) expect(statSync(file).uid, file).toBe(NOBODY);
    expect(statSync(path.join(state, 'reservoir.bin')).mode & 0o777).toBe(0o600);
    expect(statSync(state).mode & 0o777).toBe(0o700);
  }, 60_000);

  it('warns about a state directory the --run-as user cannot read, and still runs', async () => {
    const state = rootOnlyDir('state-root');
    const web = await freePort();
    const ns = start(runArgs(web, `--model.state-dir=${state}`));
    try {
      await waitForHttp(`http://127.0.0.1:${web}/healthz`, 30_000);
    } finally {
      await ns.stop();
    }
    const logs = ns.stderr().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logs.find((l) => l.level === 'warn')).toMatchObject({
      msg: 'model state directory unreadable; starting a new warm-up, and saves will fail until it is readable',
      err: `${state}: cannot read the state directory: permission denied`,
    });
  }, 60_000);
});

