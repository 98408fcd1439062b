// End-to-end replay benchmark: netscore replay (read, decode, flows, metrics) against
// `tcpdump -r FILE -w /dev/null` on the same capture, in the same run. The capture is
// `netscore synth` traffic (realistic packet sizes and flow mix, all attacks injected).
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { median, timeCommand } from './stats.mjs';

const seconds = Number(process.env.BENCH_SECONDS ?? 3 * 3600);
const runs = Number(process.env.BENCH_RUNS ?? 5);
const dir = path.join(tmpdir(), 'netscore-bench');
mkdirSync(dir, { recursive: true });
const file = path.join(dir, `replay-${seconds}.pcap`);
const dist = path.resolve(import.meta.dirname, '..', 'dist');
if (!existsSync(dist)) throw new Error('dist/ is missing: run `npm run build` first');
const cli = path.join(dist, 'cli', 'main.js');
const { writeSynth } = await import(path.join(dist, 'synth', 'synth.js'));

const { packets, bytes } = await writeSynth({ seed: 1, duration: seconds, attacks: ['scan', 'synflood', 'udpflood', 'dnstunnel', 'bruteforce', 'beacon'] }, file);
console.log(`capture: netscore synth, ${seconds} s of traffic, ${packets.toLocaleString('en-US')} packets, ${(bytes / 2 ** 20).toFixed(0)} MiB; ${runs} runs each (medians)`);
const ns = median(timeCommand(process.execPath, [cli, 'replay', '--log.level=error', '--flow.max=200000', file], runs));
const td = median(timeCommand('tcpdump', ['-r', file, '-w', '/dev/null'], runs));
const row = (name, secs) => `${name.padEnd(34)} ${secs.toFixed(3).padStart(8)} s ${(packets / secs / 1e6).toFixed(2).padStart(7)} M packets/s`;
console.log(row('netscore replay (end to end)', ns));
console.log(row('tcpdump -r FILE -w /dev/null', td));
console.log(`ratio netscore/tcpdump: ${(td / ns).toFixed(2)}x`);
rmSync(file);
