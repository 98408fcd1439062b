// Tests that need a process of their own: switching user, garbage collection
// of handles, exiting mid-capture. The children run the compiled sources.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const skipReason = !existsSync(join(ROOT, 'build/Release/netscore_pcap.node'))
  ? 'libpcap addon not built; run node native/build.mjs'
  : process.getuid?.() !== 0
    ? 'switching user and capturing on lo need root'
    : '';
const title = (name: string) => (skipReason ? `${name} (skipped: ${skipReason})` : name);

const PERMISSION =
  'CaptureError: capture on lo: permission denied: needs CAP_NET_RAW (and CAP_NET_ADMIN for promiscuous mode) or root';

/** Child script prologue: the compiled modules and a helper. */
const PRELUDE = `
import { createSocket } from 'node:dgram';
import { readdirSync, readlinkSync } from 'node:fs';
import { LiveSource } from './src/source/live-source.js';
import { loadPcapBinding } from './src/source/pcap-binding.js';
import { dropPrivileges } from './src/privileges/drop.js';
import { missingCaptureCapabilities } from './src/privileges/check.js';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const report = (value) => console.log(JSON.stringify(value));
`;

let dir = '';

/** Runs `body` (ESM, top-level await) as root in a fresh node; returns what it reported. */
function child(body: string, nodeArgs: string[] = []) {
  const file = join(dir, `child-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(file, PRELUDE + body);
  const r = spawnSync(process.execPath, [...nodeArgs, file], { encoding: 'utf8', timeout: 30_000 });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  return { status: r.status, signal: r.signal, stderr: r.stderr, value: last ? JSON.parse(last) : undefined };
}

describe.skipIf(skipReason)(title('live capture in a child process'), () => {
  beforeAll(() => {
    // Compile the sources the children need; the build/ link keeps the
    // addon at the same relative place as in the repository.
    dir = mkdtempSync(join(tmpdir(), 'netscore-live-'));
    chmodSync(dir, 0o755); // nobody must be able to read what it loads after the switch
    execFileSync(
      join(ROOT, 'node_modules/.bin/tsc'),
      [
        ...['--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022'],
        ...['--ignoreConfig', '--types', 'node', '--skipLibCheck', '--rootDir', join(ROOT, 'src'), '--outDir', join(dir, 'src')],
        ...['src/source/live-source.ts', 'src/privileges/drop.ts', 'src/privileges/check.ts'],
      ],
      { cwd: ROOT, stdio: 'pipe' },
    );
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
    symlinkSync(join(ROOT, 'build'), join(dir, 'build'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('says which capabilities are missing when opened as nobody, and survives close()', () => {
    const r = child(`
      process.setgid(65534);
      process.setuid(65534);
      const out = [];
      for (const promiscuous of [true, false]) {
        const source = new LiveSource({ interface: 'lo', promiscuous });
        out.push(await source.run(() => {}).then(() => 'resolved', (e) => e.name + ': ' + e.message));
        source.close();
        source.close();
      }
      report(out);
    `);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.value).toEqual([PERMISSION, PERMISSION]);
  });

  it('keeps capturing on a handle opened as root after dropping to nobody', () => {
    const r = child(`
      const rx = createSocket('udp4');
      await new Promise((r) => rx.bind(0, '127.0.0.1', r));
      const port = rx.address().port;
      const source = new LiveSource({ interface: 'lo', filter: 'udp and dst port ' + port, immediate: true });
      source.open();
      const before = missingCaptureCapabilities(true);
      const user = dropPrivileges('nobody');
      const ids = [process.getuid(), process.geteuid(), process.getgid(), process.getegid()];
      const after = missingCaptureCapabilities(true);
      let regained = true;
      try { process.setuid(0); } catch { regained = false; }
      const fresh = new LiveSource({ interface: 'lo' });
      let reopen = 'opened';
      try { fresh.open(); } catch (e) { reopen = e.message; }
      fresh.close();
      const lengths = [];
      const running = source.run((p) => { lengths.push(p.wirelen); });
      const tx = createSocket('udp4');
      for (let i = 0; i < 5; i++) {
        const got = new Promise((r) => rx.once('message', r));
        tx.send(Buffer.alloc(i + 1), port, '127.0.0.1');
        await got;
      }
      for (let t = 0; t < 50 && lengths.length < 5; t++) await sleep(20);
      await sleep(200);
      source.stop();
      await running;
      rx.close();
      tx.close();
      report({ user, ids, groups: process.getgroups(), before, after, regained, reopen, lengths });
    `);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const nobody = execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim();
    expect(String(r.value.user.uid)).toBe(nobody);
    expect(r.value.ids).toEqual([65534, 65534, 65534, 65534]);
    expect(r.value.groups).not.toContain(0);
    expect(r.value.before).toEqual([]);
    // The capture capabilities are kept (src/privileges/drop.ts), so a new handle opens too.
    expect(r.value.after).toEqual([]);
    expect(r.value.regained).toBe(false);
    expect(r.value.reopen).toBe('opened');
    expect(r.value.lengths).toEqual([43, 44, 45, 46, 47]);
  });

  it('refuses to switch user when not root, and is a no-op for the current user', () => {
    const r = child(`
      process.setgid(65534);
      process.setuid(65534);
      const out = [];
      try { dropPrivileges('daemon'); out.push('switched'); } catch (e) { out.push(e.name + ': ' + e.message); }
      out.push(dropPrivileges('nobody').uid);
      report(out);
    `);
    expect(r.status).toBe(0);
    expect(r.value).toEqual(['PrivilegeError: cannot switch to user daemon: not running as root', 65534]);
  });

  it('closes the pcap socket of every collected handle without crashing', () => {
    const r = child(
      `
      const sockets = () => readdirSync('/proc/self/fd').filter((fd) => {
        try { return readlinkSync('/proc/self/fd/' + fd).startsWith('socket:'); } catch { return false; }
      }).length;
      const base = sockets();
      const { PcapHandle } = loadPcapBinding();
      const small = { bufferSize: 1 << 20 };
      (() => {
        new PcapHandle();
        const closed = new PcapHandle(); closed.open('lo', small); closed.close();
        const failed = new PcapHandle(); try { failed.open('nsbogus9'); } catch {}
        const failedClosed = new PcapHandle(); try { failedClosed.open('nsbogus9'); } catch {}
        failedClosed.close(); failedClosed.close();
        for (let i = 0; i < 5; i++) new PcapHandle().open('lo', small);
        const stopped = new PcapHandle(); stopped.open('lo', small);
        stopped.start(() => {}, () => {}); stopped.stop();
        new LiveSource({ interface: 'lo', ...small }).open();
      })();
      const opened = sockets();
      for (let i = 0; i < 20 && sockets() > base; i++) { globalThis.gc(); await sleep(50); }
      report({ base, opened, after: sockets() });
    `,
      ['--expose-gc'],
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.value.opened).toBe(r.value.base + 7);
    expect(r.value.after).toBe(r.value.base);
  });

  it('exits cleanly when the process exits mid-capture', () => {
    const r = child(`
      const source = new LiveSource({ interface: 'lo' });
      source.run(() => {});
      await sleep(100);
      process.exit(3);
    `);
    expect(r.signal).toBeNull();
    expect(r.status).toBe(3);
    expect(r.stderr).toBe('');
  });
});
