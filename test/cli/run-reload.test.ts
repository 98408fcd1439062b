/**
 * SIGHUP re-reads the config file of `netscore run` (live capture on lo).
 * Oracle: the datagrams the test sends to two ports, one selected by the
 * capture filter in the file; the filter is switched, broken, restored.
 */
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Running } from '../support/child.js';
import { freePort } from '../support/free-port.js';
import { waitFor, waitForHttp } from '../support/wait-for.js';
import { sample, start } from './spawn.js';

const built = existsSync(path.resolve(import.meta.dirname, '..', '..', 'build', 'Release', 'netscore_pcap.node'));
const skipReason = process.getuid?.() !== 0 ? 'capturing on lo needs root' : !built ? 'libpcap addon not built' : '';

/** Sends `n` datagrams to each of `ports` on 127.0.0.1. */
async function sendUdp(ports: number[], n: number): Promise<void> {
  const s = createSocket('udp4');
  for (const port of ports) {
    for (let i = 0; i < n; i++) await new Promise<void>((res, rej) => s.send(Buffer.alloc(32, i), port, '127.0.0.1', (e) => (e ? rej(e) : res())));
  }
  s.close();
}

describe.skipIf(skipReason)(`SIGHUP reloads the config file${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'netscore-reload-'));
  const config = path.join(dir, 'netscore.yml');
  let ns: Running | undefined;

  afterAll(async () => {
    await ns?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies the capture filter, log level and format and top-k live, names options that need a restart, and keeps the running config when the new one is bad', async () => {
    const [web, a, b] = [await freePort(), await freePort(), await freePort()];
    const write = (text: string) => writeFileSync(config, text);
    write(`capture:\n  filter: udp port ${a}\nlog:\n  format: json\nanomaly:\n  top-k: 10\n`);
    ns = start(['run', '--capture.interface=lo', `--config.file=${config}`, `--web.listen-address=127.0.0.1:${web}`]);
    await waitForHttp(`http://127.0.0.1:${web}/healthz`);
    const udpPackets = async () => sample(await (await fetch(`http://127.0.0.1:${web}/metrics`)).text(), 'netscore_packets_total', { interface: 'lo', protocol: 'udp' }) ?? 0;
    /** Sends 10 datagrams to each port and waits for the count to reach `want` (and stay there). */
    const sendAndCount = async (want: number) => {
      await sendUdp([a, b], 10);
      await waitFor(async () => (await udpPackets()) === want, { timeoutMs: 5_000, intervalMs: 100, what: `${want} UDP packets` });
      await new Promise((r) => setTimeout(r, 300));
      expect(await udpPackets()).toBe(want);
    };
    /** Sends SIGHUP and resolves to the log lines written until none came for 500 ms. */
    const hup = async (expected: number) => {
      const before = ns!.stderr().split('\n').filter(Boolean).length;
      const lines = () => ns!.stderr().split('\n').filter(Boolean).slice(before);
      ns!.child.kill('SIGHUP');
      await waitFor(() => lines().length >= expected, { timeoutMs: 5_000, intervalMs: 50, what: `${expected} log lines after SIGHUP` });
      await new Promise((r) => setTimeout(r, 500));
      return lines();
    };

    await sendAndCount(10);

    write(`capture:\n  filter: udp port ${b}\n  snaplen: 512\nlog:\n  format: json\nanomaly:\n  top-k: 5\n`);
    expect((await hup(2)).map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ msg: 'configuration reloaded', changed: 'anomaly.top-k,capture.filter' }),
      expect.objectContaining({ msg: 'changed options take effect only after a restart', options: 'capture.snaplen' }),
    ]);
    await sendAndCount(20);

    write(`capture:\n  filter: port port\n`);
    expect((await hup(1)).map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ msg: 'configuration reload failed; keeping the running configuration', err: 'capture on lo: filter "port port": can\'t parse filter expression: syntax error' }),
    ]);
    write('capture: [\n');
    expect((await hup(1)).map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ msg: 'configuration reload failed; keeping the running configuration', err: expect.stringMatching(new RegExp(`^config file ${config} is not valid YAML at line 2, column 1: `)) }),
    ]);
    await sendAndCount(30);

    // Back to the default log format, at level warn: the info line is not written; the filter and snaplen stay.
    write(`capture:\n  filter: udp port ${b}\n  snaplen: 512\nlog:\n  level: warn\n`);
    expect(await hup(1)).toEqual([expect.stringMatching(/^ts=\S+ level=warn msg="changed options take effect only after a restart" options=capture.snaplen$/)]);
    await sendAndCount(40);

    ns.child.kill('SIGTERM');
    expect(await ns.exit).toBe(0);
  }, 60_000);
});
