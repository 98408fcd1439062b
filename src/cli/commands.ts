import type { Argv } from 'yargs';
import { ALL_ATTACK_TYPES, ATTACK_TYPES, SYNTH_PROFILES, WIDE_ATTACK_TYPES } from '../synth/types.js';
import type { Command } from './command.js';
import { OPTIONS, type OptionName } from './options.js';

/** Names of the shared options in the given help groups, group by group (the order --help shows them in). */
function groups(...names: string[]): OptionName[] {
  return names.flatMap((g) => OPTIONS.filter((o) => o.group === g).map((o) => o.name));
}

/** Options every command that logs takes. */
const COMMON = groups('Logging', 'Config');
/** Options of the packet path: flow table and decoder. */
const PACKET_PATH = groups('Flows', 'Decoding');
/** Options of reading capture files. */
const FILES = groups('Capture files');
/** Options of fitting a model on host-windows. */
const FITTING: OptionName[] = ['hosts.max', 'hosts.history', 'hosts.doorkeeper', 'model.kind', 'model.threshold-tail', 'model.reservoir-size', 'model.seed', 'model.false-alarm-rate'];

/** The heading of a command's own options in its --help. */
const own = (command: string) => `Options of ${command}:`;

/**
 * Every subcommand, in help order. Each command's module is imported only when
 * it runs, so that --help, --version and the light commands start fast.
 */
export const COMMANDS: readonly Command[] = [
  {
    name: 'run',
    usage: 'run',
    isDefault: true,
    describe: 'Capture live traffic and serve metrics (the default command).',
    options: [...groups('Capture', 'Workers', 'Web'), ...COMMON, ...PACKET_PATH, ...groups('Scoring', 'Anomalies')],
    run: async (args, o, log) => (await import('./run.js')).run(args, o, log),
  },
  {
    name: 'replay',
    usage: 'replay <files..>',
    describe: 'Replay pcap or pcapng files (optionally gzipped) through the pipeline.',
    options: [...groups('Replay', 'Workers', 'Web'), ...COMMON, ...FILES, ...PACKET_PATH, ...groups('Scoring', 'Anomalies')],
    builder: (y) => y.positional('files', { describe: 'capture files (pcap or pcapng, optionally gzipped)', type: 'string', array: true, default: undefined }),
    run: async (args, o, log) => (await import('./replay.js')).replay(args.files as string[], o, log),
  },
  {
    name: 'synth',
    usage: 'synth',
    describe: 'Write a deterministic capture of benign traffic with labelled attacks injected.',
    options: COMMON,
    builder: (y: Argv) =>
      y
        .option('output', { alias: 'o', type: 'string', group: own('synth'), describe: 'Capture file to write (pcap).', demandOption: true, requiresArg: true })
        .option('labels', { type: 'string', group: own('synth'), describe: 'Labels file to write (JSON).', requiresArg: true })
        .option('truth', { type: 'string', group: own('synth'), describe: 'Truth file to write (CSV): per 10 s window and source host, packets and bytes sent, how many an attack made, and the label (attack, victim or benign).', requiresArg: true })
        .option('seed', { group: own('synth'), requiresArg: true, describe: 'Seed of the generator; the same seed gives the same bytes. [integer] [default: 1]' })
        .option('duration', { group: own('synth'), requiresArg: true, describe: 'Length of the capture (e.g. 600, 10m). [duration] [default: 10m]' })
        .option('profile', { type: 'string', group: own('synth'), requiresArg: true, describe: `Benign workload: classic, or wide (adds periodic jobs of many periods and jitters and more host roles, and makes "all" the wide attacks). (${SYNTH_PROFILES.join('|')}) [default: classic]` })
        .option('attacks', {
          type: 'string',
          group: own('synth'),
          requiresArg: true,
          describe: `Comma-separated attacks to inject: ${ALL_ATTACK_TYPES.join(',')}, or "all" (classic: ${ATTACK_TYPES.join(',')}; wide: ${WIDE_ATTACK_TYPES.join(',')}) or "none". [default: all]`,
        })
        .option('hosts', { group: own('synth'), requiresArg: true, describe: 'Benign client hosts. [integer] [default: 20]' })
        .option('internet-use', { type: 'boolean', group: own('synth'), describe: 'Clients also load script-heavy pages (tens of third-party hosts, bursts of DNS queries, some to public resolvers), use QUIC and submit mail with attachments to public providers (some behind a smaller-MTU link). [default: false]' }),
    run: async (args, _o, log) => (await import('./synth.js')).synth(args, log),
  },
  {
    name: 'train',
    usage: 'train <files..>',
    describe: 'Fit a model on captures of normal traffic and write it to --model.out.',
    options: [...COMMON, ...FILES, ...PACKET_PATH, 'window', ...FITTING],
    builder: (y) =>
      y
        .positional('files', { describe: 'baseline captures (normal traffic only)', type: 'string', array: true, default: undefined })
        .option('model.out', { type: 'string', group: own('train'), describe: 'Where to write the model (written atomically).', demandOption: true, requiresArg: true }),
    run: async (args, o, log) => (await import('./train.js')).train(args, o, log),
  },
  {
    name: 'eval',
    usage: 'eval <file>',
    describe: 'Score a labelled capture: recall per attack type, false-positive rate and AUC over host-windows.',
    // The window length comes from the labels file.
    options: [...COMMON, ...FILES, ...PACKET_PATH, 'model.file', 'model.warmup', 'model.retrain-interval', ...FITTING, 'anomaly.max-per-window', 'anomaly.min-one-sided-packets', 'summary'],
    builder: (y) =>
      y
        .positional('file', { describe: 'labelled capture', type: 'string' })
        .option('labels', { type: 'string', group: own('eval'), describe: 'Labels JSON written by `netscore synth --labels` (or by hand, same format).', demandOption: true, requiresArg: true })
        .option('train', { type: 'string', array: true, group: own('eval'), describe: 'Benign captures to train on first (otherwise --model.file, otherwise online learning).' }),
    run: async (args, o, log) => (await import('./eval.js')).evalCommand(args, o, log),
  },
  {
    name: 'demo',
    usage: 'demo',
    describe: 'Try netscore without touching your network: synthesise traffic with attacks, train on benign traffic, replay in a loop and serve the page and /metrics.',
    // The demo trains its own model, so the options of a given or online model do not apply.
    options: [...groups('Web'), ...COMMON, ...PACKET_PATH, 'window', ...FITTING, ...groups('Anomalies')],
    builder: (y) => y.option('speed', { type: 'string', group: own('demo'), requiresArg: true, describe: 'Replay at N times real time: at 10 a 10-minute capture passes in a minute. [number] [default: 10]' }),
    run: async (args, o, log) => (await import('./demo.js')).demo(args, o, log),
  },
  {
    name: 'interfaces',
    usage: 'interfaces',
    describe: 'List the interfaces netscore can capture on; the default one is marked.',
    options: COMMON,
    builder: (y) => y.option('output', { type: 'string', group: own('interfaces'), choices: ['table', 'json'], default: 'table', requiresArg: true, describe: 'Output format.' }),
    run: async (args) => (await import('./interfaces.js')).interfaces(args.output === 'json' ? 'json' : 'table'),
  },
  {
    name: 'completion',
    usage: 'completion',
    describe: 'Print a bash completion script (source it, or save it as /etc/bash_completion.d/netscore).',
    options: [],
    run: async () => (await import('./completion.js')).completion(COMMANDS),
  },
];
