import type { Command } from './command.js';
import { replay } from './replay.js';

/** Every subcommand, in help order. */
export const COMMANDS: readonly Command[] = [
  {
    usage: 'replay <files..>',
    describe: 'Replay pcap or pcapng files (optionally gzipped) through the pipeline.',
    builder: (y) => y.positional('files', { describe: 'capture files', type: 'string', array: true }),
    run: (args, o, log) => replay(args.files as string[], o, log),
  },
];
