import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { waitForHttp } from '../support/wait-for.js';
import { CLI, runCli, sample, start } from './spawn.js';

const root = process.getuid?.() === 0;
const built = existsSync(path.resolve(import.meta.dirname, '..', '..', 'build', 'Release', 'netscore_pcap.node'));

/** Sends `n` datagrams of `size` payload bytes from one socket to 127.0.0.1:port. */
async function sendUdp(port: number, n: number, size: number): Promise<void> {
  const s = createSocket('udp4');
  for (let i = 0; i < n; i++) await new Promise<void>((r, j) => s.send(Buffer.alloc(size, i), port, '127.0.0.1', (e) => (e ? j(e) : r())));
  s.close();
}

describe.skipIf(!root || !built)('netscore run (live capture on lo, as root)', () => {
  it('counts exactly the datagrams sent to a filtered port, then exits 0 on SIGTERM', async () => {
    const web = await freePort();
    const target = await freePort();
    const dir = mkdtempSync(path.join(tmpdir(), 'netscore-run-'));
    const logFile = path.join(dir, 'anomalies.jsonl');
    const ns = start([
      'run', '--capture.interface=lo', `--capture.filter=udp port ${target}`, `--web.listen-address=127.0.0.1:${web}`,
      `--anomaly.log-file=${logFile}`, '--log.level=error',
    ]);
    await waitForHttp(`http://127.0.0.1:${web}/healthz`);
    await sendUdp(target, 50, 100);
    await new Promise((r) => setTimeout(r, 800));
    const text = await (await fetch(`http://127.0.0.1:${web}/metrics`)).text();
    // Oracle: what the test sent. Each datagram is 14 (Ethernet) + 20 (IPv4) + 8 (UDP) + 100 bytes on lo.
    expect(sample(text, 'netscore_packets_total', { interface: 'lo', protocol: 'udp' })).toBe(50);
    expect(sample(text, 'netscore_bytes_total', { interface: 'lo', protocol: 'udp' })).toBe(50 * 142);
    expect(sample(text, 'netscore_flows_total', { protocol: 'udp' })).toBe(1);
    expect(sample(text, 'netscore_capture_up', { interface: 'lo' })).toBe(1);
    expect(sample(text, 'netscore_capture_packets_received_total', { interface: 'lo' })).toBeGreaterThanOrEqual(50);
    expect(sample(text, 'netscore_capture_packets_dropped_total', { interface: 'lo', where: 'kernel' })).toBe(0);
    ns.child.kill('SIGTERM');
    expect(await ns.exit).toBe(0);
    expect(existsSync(logFile)).toBe(true);
    expect(readFileSync(logFile, 'utf8').split('\n').filter(Boolean).every((l) => JSON.parse(l).host)).toBe(true);
  });

  it('drops to --run-as after opening the capture', async () => {
    const web = await freePort();
    const ns = start(['run', '--capture.interface=lo', '--run-as=nobody', `--web.listen-address=127.0.0.1:${web}`, '--log.level=error']);
    await waitForHttp(`http://127.0.0.1:${web}/healthz`);
    const status = readFileSync(`/proc/${ns.child.pid}/status`, 'utf8');
    // Uid: real, effective, saved, filesystem.
    expect(status).toMatch(/^Uid:\s+65534\s+65534\s+65534\s+65534$/m);
    ns.child.kill('SIGTERM');
    expect(await ns.exit).toBe(0);
  });

  it.each([
    [['run', '--capture.interface=nosuch9'], /^netscore: capture on nosuch9: .+\n$/],
    [['run', '--capture.interface=lo', '--capture.filter=port port'], /^netscore: capture on lo: filter "port port": .+\n$/],
  ])('%j fails with one line and exit 1', async (args, message) => {
    const { code, stderr } = await runCli([...(args as string[]), '--web.listen-address=127.0.0.1:0']);
    expect(code).toBe(1);
    expect(stderr).toMatch(message);
  });

  it('says what is missing when run without privileges', async () => {
    const child = spawn(process.execPath, [CLI, 'run', '--capture.interface=lo', '--web.listen-address=127.0.0.1:0'], {
      uid: 65534,
      gid: 65534,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise((res) => child.on('exit', res));
    expect(code).toBe(1);
    expect(err).toMatch(/^netscore: capture on lo: permission denied: needs CAP_NET_RAW \(and CAP_NET_ADMIN for promiscuous mode\) or root\n$/);
  });
});
