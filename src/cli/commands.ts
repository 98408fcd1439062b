import type { Command } from './command.js';
import { demo, demoBuilder } from './demo.js';
import { interfaces } from './interfaces.js';
import { replay } from './replay.js';
import { synth, synthBuilder } from './synth.js';
import { evalBuilder, evalCommand } from './eval.js';
import { train, trainBuilder } from './train.js';

/** Every subcommand, in help order. */
export const COMMANDS: readonly Command[] = [
  {
    usage: ['run', '$0'],
    describe: 'Capture live traffic and serve metrics (the default command).',
    // Live capture (native addon, privileges, HTTP) is loaded only when it runs.
    run: async (args, o, log) => (await import('./run.js')).run(args, o, log),
  },
  {
    usage: 'replay <files..>',
    describe: 'Replay pcap or pcapng files (optionally gzipped) through the pipeline.',
    builder: (y) => y.positional('files', { describe: 'capture files', type: 'string', array: true }),
    run: (args, o, log) => replay(args.files as string[], o, log),
  },
  {
    usage: 'synth',
    describe: 'Write a deterministic capture of benign traffic with labelled attacks injected.',
    builder: synthBuilder,
    run: (args, _o, log) => synth(args, log),
  },
  {
    usage: 'train <files..>',
    describe: 'Fit a model on captures of normal traffic and write it to --model.out.',
    builder: trainBuilder,
    run: train,
  },
  {
    usage: 'eval <file>',
    describe: 'Score a labelled capture: recall per attack type, false-positive rate and AUC over host-windows.',
    builder: evalBuilder,
    run: evalCommand,
  },
  {
    usage: 'demo',
    describe: 'Try netscore without touching your network: synthesise traffic with attacks, train on benign traffic, replay in a loop and serve the page and /metrics.',
    builder: demoBuilder,
    run: demo,
  },
  {
    usage: 'interfaces',
    describe: 'List the interfaces netscore can capture on.',
    run: () => interfaces(),
  },
];
