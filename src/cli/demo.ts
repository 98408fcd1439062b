import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { saveDetectorModel } from '../model/detector-file.js';
import { ATTACK_TYPES } from '../synth/types.js';
import { listenAddresses } from './listen-addresses.js';
import { OptionError, type OptionValues } from './options.js';
import { replayFiles } from './replay.js';
import { reportStageFailure } from './stage-failure.js';
import { trainOn } from './train.js';

/** Where the demo serves when no --web.listen-address is given: netscore's port, on loopback only. */
const DEMO_LISTEN = '127.0.0.1:10811';
/** Seeds of the benign training capture and of the replayed capture, so the model never saw the replayed traffic. */
const SEEDS = { train: 2, replay: 1 } as const;
/** Packet time of each synthesised capture; its attacks start within the first minute. */
const CAPTURE_SECONDS = 600;

/** Parses `--speed`. */
function speedOf(text: string | undefined): number {
  if (text === undefined) return 10;
  const n = Number(text);
  if (!(n > 0) || !Number.isFinite(n)) throw new OptionError(`invalid value for --speed: "${text}" (want a positive number such as 10)`);
  return n;
}

/**
 * `netscore demo`: synthesises a benign capture and trains a model on it,
 * then replays a capture with attacks in a loop at `--speed` while serving
 * the landing page and /metrics, so anomalies show within a minute without
 * touching the network. Stops on SIGINT or SIGTERM (exit 0) and removes its
 * temporary files.
 */
export async function demo(args: Record<string, unknown>, o: OptionValues, log: Logger): Promise<number> {
  const speed = speedOf(args.speed as string | undefined);
  const dir = await mkdtemp(path.join(tmpdir(), 'netscore-demo-'));
  try {
    const { writeSynth } = await import('../synth/synth.js');
    const benign = path.join(dir, 'benign.pcap');
    const traffic = path.join(dir, 'traffic.pcap');
    const modelFile = path.join(dir, 'model.json');
    log.info({ dir, seconds: CAPTURE_SECONDS }, 'demo: synthesising benign traffic to train on');
    await writeSynth({ seed: SEEDS.train, duration: CAPTURE_SECONDS, attacks: [], hosts: 20 }, benign);
    const { model } = await trainOn([benign], o);
    await saveDetectorModel(modelFile, model);
    const written = await writeSynth({ seed: SEEDS.replay, duration: CAPTURE_SECONDS, attacks: [...ATTACK_TYPES], hosts: 20 }, traffic);
    const addresses = listenAddresses(o, DEMO_LISTEN);
    log.info(
      { attacks: written.labels.attacks.map((a) => a.type), speed, listen: addresses, pass_seconds: Math.round(CAPTURE_SECONDS / speed) },
      'demo: replaying synthesised traffic with attacks in a loop; open the page or scrape /metrics, stop with Ctrl-C',
    );
    const result = await replayFiles([traffic], { ...o, 'model.file': modelFile, 'replay.loop': 0, 'replay.speed': speed, 'replay.hold': false, 'web.listen-address': addresses }, log);
    if (result.failure !== undefined) return reportStageFailure(log, result.failure);
    return result.errors.length > 0 ? 1 : 0;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
