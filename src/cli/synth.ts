import type { Logger } from 'pino';
import type { Argv } from 'yargs';
import { ALL_ATTACK_TYPES, ATTACK_TYPES, SYNTH_PROFILES, WIDE_ATTACK_TYPES, type AttackType, type SynthProfile } from '../synth/types.js';
import { parseDuration } from '../util/duration.js';
import { OptionError } from './options.js';

/** Declares `synth`'s own flags. */
export function synthBuilder(y: Argv): Argv {
  return y
    .option('seed', { type: 'string', describe: 'Seed of the generator; the same seed gives the same bytes. [default: 1]' })
    .option('duration', { type: 'string', describe: 'Length of the capture (e.g. 600, 10m). [default: 600s]' })
    .option('profile', { type: 'string', describe: `Benign workload: classic, or wide (adds periodic jobs of many periods and jitters and more host roles, and makes "all" the wide attacks). (${SYNTH_PROFILES.join('|')}) [default: classic]` })
    .option('attacks', {
      type: 'string',
      describe: `Comma-separated attacks to inject: ${ALL_ATTACK_TYPES.join(',')}, or "all" (classic: ${ATTACK_TYPES.join(',')}; wide: ${WIDE_ATTACK_TYPES.join(',')}) or "none". [default: all]`,
    })
    .option('hosts', { type: 'string', describe: 'Benign client hosts. [default: 20]' })
    .option('output', { alias: 'o', type: 'string', describe: 'Capture file to write (pcap).', demandOption: true, requiresArg: true })
    .option('labels', { type: 'string', describe: 'Labels file to write (JSON).', requiresArg: true });
}

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
  };
  // The generator is loaded only when it runs: commands.ts imports this file for its flags whatever the command.
  const { writeSynth } = await import('../synth/synth.js');
  let result;
  try {
    result = await writeSynth(opts, args.output as string, args.labels as string | undefined);
  } catch (err) {
    if (err instanceof RangeError) throw new OptionError(err.message, { cause: err });
    throw err;
  }
  log.info({ output: args.output, packets: result.packets, bytes: result.bytes, attacks: result.labels.attacks.length }, 'capture written');
  return 0;
}
