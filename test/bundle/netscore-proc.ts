/**
 * Helpers for the live bundle tests: synthesise a capture with labelled
 * attacks and replay it through the real netscore CLI (dist/cli/main.js,
 * built with `npm run build`) serving metrics on a free port.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, start } from '../cli/spawn.js';
import { freePort } from '../support/free-port.js';
import { waitFor } from '../support/wait-for.js';

/** One injected attack of a synth labels file. */
export interface SynthAttack {
  id: string;
  type: string;
  attacker_ip: string;
  victim_ips: string[];
  start_ts: number;
  end_ts: number;
}

/** Writes `dir/attack.pcap` and `dir/attack.json`; returns the labelled attacks. */
export function synthesize(dir: string, { duration = '900', attacks = 'all', seed = '1', name = 'attack' } = {}): { pcap: string; attacks: SynthAttack[] } {
  const pcap = join(dir, `${name}.pcap`);
  const labels = join(dir, `${name}.json`);
  const r = spawnSync(process.execPath, [CLI, 'synth', `--duration=${duration}`, `--attacks=${attacks}`, `--seed=${seed}`, '-o', pcap, '--labels', labels], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`netscore synth failed: ${r.stderr}`);
  return { pcap, attacks: (JSON.parse(readFileSync(labels, 'utf8')) as { attacks: SynthAttack[] }).attacks };
}

/** A replaying netscore. */
export interface NetscoreReplay {
  /** 127.0.0.1:port, the scrape target. */
  address: string;
  /** Resolves to the exit status when the replay has ended (or was stopped). */
  exit: Promise<number | null>;
  logs(): string;
  stop(): Promise<void>;
}

/** Starts `netscore replay FILE --replay.speed=SPEED --web.listen-address=127.0.0.1:PORT` and waits for /metrics. */
export async function startReplay(pcap: string | string[], speed: number, extraArgs: string[] = []): Promise<NetscoreReplay> {
  const address = `127.0.0.1:${await freePort()}`;
  const ns = start(['replay', ...[pcap].flat(), `--replay.speed=${speed}`, `--web.listen-address=${address}`, ...extraArgs]);
  const logs = () => ns.stdout() + ns.stderr();
  try {
    await waitFor(
      async () => {
        if (!ns.running) throw new Error(`netscore exited: ${logs()}`);
        return (await fetch(`http://${address}/metrics`)).ok;
      },
      { timeoutMs: 20_000, what: 'netscore /metrics' },
    );
  } catch (err) {
    await ns.stop();
    throw err;
  }
  return { address, exit: ns.exit, logs, stop: () => ns.stop() };
}

/** Trains a model on a benign synth capture (seed 100) with `netscore train`; returns the model path. */
export function trainBenignModel(dir: string, duration = '1800'): string {
  const pcap = join(dir, 'baseline.pcap');
  const model = join(dir, 'model.json');
  for (const args of [
    ['synth', `--duration=${duration}`, '--attacks=none', '--seed=100', '-o', pcap],
    ['train', pcap, '--model.out', model],
  ]) {
    const r = spawnSync(process.execPath, [CLI, ...args, '--log.level=error'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`netscore ${args[0]} failed: ${r.stderr}`);
  }
  return model;
}
