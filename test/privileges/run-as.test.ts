// `netscore run --run-as` as root: what the process keeps after the switch,
// read back from the kernel (/proc/<pid>/status and every thread's), and that
// a capture whose interface went away comes back on its own.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, runCli, sample, start } from '../cli/spawn.js';
import { freePort } from '../support/free-port.js';
import { waitForHttp } from '../support/wait-for.js';

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });

/** Adds `name`: a dummy interface, or a veth pair where the kernel has no dummy driver; undefined when neither works. */
function addInterface(name: string): string | undefined {
  for (const kind of [['dummy'], ['veth', 'peer', 'name', `${name}p`]]) {
    try {
      ip('link', 'add', name, 'type', ...kind);
      return kind[0];
    } catch {
      // try the next kind
    }
  }
  return undefined;
}

function deleteInterface(name: string): void {
  try {
    ip('link', 'delete', name);
  } catch {
    // already gone
  }
}

const IFACE = `nspriv${process.pid % 100_000}`;
const root = process.getuid?.() === 0;
const built = existsSync(path.resolve(import.meta.dirname, '..', '..', 'build', 'Release', 'netscore_pcap.node'));
/** Probes once whether this kernel can create the test interface. */
const kind = root ? addInterface(IFACE) : undefined;
if (kind) deleteInterface(IFACE);
const skipReason = !root
  ? 'needs root, as CI runs'
  : !built
    ? 'libpcap addon not built; run npm run build:native'
    : !kind
      ? 'the kernel can create neither dummy nor veth interfaces'
      : '';
const title = (name: string) => (skipReason ? `${name} (skipped: ${skipReason})` : name);
const hasSetpriv = root && existsSync('/usr/bin/setpriv');

/** The value of one `Name:\tvalue` line of a /proc status text. */
const field = (status: string, name: string) => new RegExp(`^${name}:\\s*(.*?)\\s*$`, 'm').exec(status)?.[1];

/** Polls netscore_capture_up of `iface` until it equals `want`; returns the last value seen. */
async function captureUpBecomes(web: number, iface: string, want: number, timeoutMs: number): Promise<number | undefined> {
  const until = Date.now() + timeoutMs;
  let got: number | undefined;
  while (Date.now() < until) {
    got = sample(await (await fetch(`http://127.0.0.1:${web}/metrics`)).text(), 'netscore_capture_up', { interface: iface });
    if (got === want) return got;
    await new Promise((r) => setTimeout(r, 100));
  }
  return got;
}

describe.skipIf(skipReason)(title('netscore run --run-as (as root)'), () => {
  afterEach(() => deleteInterface(IFACE));

  it('keeps only CAP_NET_RAW and CAP_NET_ADMIN, and reopens an interface that went away', async () => {
    addInterface(IFACE);
    ip('link', 'set', IFACE, 'up');
    const web = await freePort();
    const ns = start(['run', `--capture.interface=${IFACE}`, '--run-as=nobody', `--web.listen-address=127.0.0.1:${web}`, '--log.format=json']);
    try {
      // The switch runs in the same synchronous step as the listener's
      // start, so once /healthz answers it is done.
      await waitForHttp(`http://127.0.0.1:${web}/healthz`);
      const pid = ns.child.pid!;
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      expect(field(status, 'Uid')).toBe('65534\t65534\t65534\t65534');
      expect(field(status, 'Gid')).toBe('65534\t65534\t65534\t65534');
      // Bits 12 and 13: CAP_NET_ADMIN and CAP_NET_RAW, nothing else.
      expect(field(status, 'CapPrm')).toBe('0000000000003000');
      expect(field(status, 'CapEff')).toBe('0000000000003000');
      expect(field(status, 'CapBnd')).toBe('0000000000003000');
      expect(field(status, 'CapInh')).toBe('0000000000000000');
      expect(field(status, 'CapAmb')).toBe('0000000000000000');
      expect(field(status, 'NoNewPrivs')).toBe('1');

      // Threads other than the main one lost every capability at the uid
      // switch (or, when started later, inherited the main thread's).
      const tids = readdirSync(`/proc/${pid}/task`);
      expect(tids.length).toBeGreaterThan(4);
      for (const tid of tids) {
        const t = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
        expect(field(t, 'Uid'), `thread ${tid}`).toBe('65534\t65534\t65534\t65534');
        expect(['0000000000000000', '0000000000003000'], `thread ${tid}`).toContain(field(t, 'CapEff'));
        expect(field(t, 'CapPrm'), `thread ${tid}`).toBe(field(t, 'CapEff'));
        expect(field(t, 'CapInh'), `thread ${tid}`).toBe('0000000000000000');
        expect(field(t, 'CapAmb'), `thread ${tid}`).toBe('0000000000000000');
        expect(field(t, 'NoNewPrivs'), `thread ${tid}`).toBe('1');
      }
      expect(field(readFileSync(`/proc/${pid}/task/${pid}/status`, 'utf8'), 'CapEff')).toBe('0000000000003000');

      expect(await captureUpBecomes(web, IFACE, 1, 5000)).toBe(1);
      ip('link', 'set', IFACE, 'down');
      expect(await captureUpBecomes(web, IFACE, 0, 10_000)).toBe(0);
      // A new interface under the same name: reopening it needs CAP_NET_RAW.
      deleteInterface(IFACE);
      addInterface(IFACE);
      ip('link', 'set', IFACE, 'up');
      expect(await captureUpBecomes(web, IFACE, 1, 20_000)).toBe(1);

      const logs = ns.stderr().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(logs.find((l) => l.msg === 'dropped privileges')).toMatchObject({ user: 'nobody', uid: 65534, capabilities: ['CAP_NET_RAW', 'CAP_NET_ADMIN'] });
      expect(logs.filter((l) => l.msg === 'capture up again')).toHaveLength(1);
    } finally {
      ns.child.kill('SIGTERM');
    }
    expect(await ns.exit).toBe(0);
  });

  it('fails in one line, and exits, when the user does not exist', async () => {
    const r = await runCli(['run', '--capture.interface=lo', '--run-as=nsnosuchuser', '--web.listen-address=127.0.0.1:0', '--log.level=error']);
    expect([r.code, r.stderr]).toEqual([1, 'netscore: unknown user: nsnosuchuser\n']);
  });
});

describe.skipIf(!root || !built || !hasSetpriv)(
  `netscore run --run-as with a container's bounding set${hasSetpriv ? '' : ' (skipped: needs root and setpriv)'}`,
  () => {
    /** Starts the CLI as root whose capabilities are limited to `bounding`, as `docker run --cap-drop ALL --cap-add ...` does. */
    function startLimited(bounding: string, args: string[]) {
      const child = spawn('setpriv', [`--bounding-set=-all,${bounding}`, process.execPath, CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
      return { child, stderr: () => err, exit };
    }

    it.each([
      ['+net_raw,+net_admin,+setuid,+setgid,+setpcap', [], '0000000000003000'],
      ['+net_raw,+setuid,+setgid,+setpcap', ['--capture.promiscuous=false'], '0000000000002000'],
    ])('%s %j keeps %s', async (bounding, extra, kept) => {
      const web = await freePort();
      const ns = startLimited(bounding, ['run', '--capture.interface=lo', '--run-as=nobody', `--web.listen-address=127.0.0.1:${web}`, ...extra]);
      try {
        await waitForHttp(`http://127.0.0.1:${web}/healthz`);
        // setpriv exec()s node, so the pid is netscore's.
        const status = readFileSync(`/proc/${ns.child.pid}/status`, 'utf8');
        expect(field(status, 'Uid')).toBe('65534\t65534\t65534\t65534');
        expect([field(status, 'CapEff'), field(status, 'CapPrm'), field(status, 'CapBnd')]).toEqual([kept, kept, kept]);
        expect(field(status, 'NoNewPrivs')).toBe('1');
      } finally {
        ns.child.kill('SIGTERM');
      }
      expect(await ns.exit).toBe(0);
    });

    it.each([
      ['+net_raw,+net_admin,+setuid,+setgid', /^netscore: cannot switch to user nobody: removing capability \d+ from the bounding set needs CAP_SETPCAP: Operation not permitted\n$/],
      ['+net_raw,+net_admin,+setpcap', /^netscore: cannot switch to user nobody: initgroups: Operation not permitted\n$/],
    ])('%s fails in one line', async (bounding, message) => {
      const ns = startLimited(bounding, ['run', '--capture.interface=lo', '--run-as=nobody', '--web.listen-address=127.0.0.1:0', '--log.level=error']);
      // A switch that wrongly succeeds would leave netscore capturing: bound the wait and never leak it.
      const timer = setTimeout(() => ns.child.kill('SIGKILL'), 20_000);
      try {
        expect(await ns.exit).toBe(1);
      } finally {
        clearTimeout(timer);
      }
      expect(ns.stderr()).toMatch(message);
    });
  },
);
