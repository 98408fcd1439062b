import type { Logger } from 'pino';
import { ALL_ATTACK_TYPES, ATTACK_TYPES, SYNTH_PROFILES, WIDE_ATTACK_TYPES, type AttackType, type SynthProfile } from '../synth/types.js';
import { parseDuration } from '../util/duration.js';
import { OptionError } from './options.js';
import { checkOutputFile } from './paths.js';

/** Parses `--profile`. */
function profileOf(text: string | undefined): SynthProfile {
  if (text === undefined) return 'classic';
  if (!SYNTH_PROFILES.includes(text as SynthProfile)) throw new OptionError(`invalid value for --profile: "${text}" (want one of ${SYNTH_PROFILES.join(', ')})`);
  return text as SynthProfile;
}

/** Parses `--attacks`; "all" is the profile's default set. */
function attackList(text: string | undefined, profile: SynthProfile): AttackType[] {
  if (text === undefined || text === 'all') return profile === 'wide' ? [...WIDE_ATTACK_TYPES] : [...ATTACK_TYPES];
  if (text === 'none' || text === '') return [];
  const list = text.split(',').map((s) => s.trim());
  const bad = list.find((a) => !ALL_ATTACK_TYPES.includes(a as AttackType));
  if (bad !== undefined) throw new OptionError(`invalid value for --attacks: "${bad}" (want some of ${ALL_ATTACK_TYPES.join(', ')}, or all, or none)`);
  return list as AttackType[];
}

function positiveInt(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new OptionError(`invalid value for --${name}: "${text}" (want a non-negative integer)`);
  return n;
}

/** `netscore synth`: writes a deterministic labelled capture. */
export async function synth(args: Record<string, unknown>, log: Logger): Promise<number> {
  const durationText = args.duration as string | undefined;
  const duration = durationText === undefined ? 600 : parseDuration(durationText);
  if (duration === undefined || duration <= 0) throw new OptionError(`invalid value for --duration: "${durationText}" (want a positive duration such as 600 or 10m)`);
  const profile = profileOf(args.profile as string | undefined);
  const opts = {
    seed: positiveInt('seed', args.seed as string | undefined, 1),
    duration,
    attacks: attackList(args.attacks as string | undefined, profile),
    hosts: positiveInt('hosts', args.hosts as string | undefined, 20),
    profile,
    internetUse: args['internet-use'] === true,
  };
  checkOutputFile('-o', args.output as string, 'capture.pcap');
  if (args.labels !== undefined) checkOutputFile('--labels', args.labels as string, 'labels.json');
  if (args.truth !== undefined) checkOutputFile('--truth', args.truth as string, 'truth.csv');
  // The generator is loaded only when it runs: commands.ts imports this file for its flags whatever the command.
  const { writeSynth } = await import('../synth/synth.js');
  let result: Awaited<ReturnType<typeof writeSynth>>;
  try {
    result = await writeSynth(opts, args.output as string, args.labels as string | undefined, args.truth as string | undefined);
  } catch (err) {
    if (err instanceof RangeError) throw new OptionError(err.message, { cause: err });
    throw err;
  }
  log.info({ output: args.output, packets: result.packets, bytes: result.bytes, attacks: result.labels.attacks.length }, 'capture written');
  return 0;
}
