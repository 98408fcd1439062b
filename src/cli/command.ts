import type { Logger } from 'pino';
import type { Argv } from 'yargs';
import type { OptionValues } from './options.js';

/** A netscore subcommand; `commands.ts` lists them. */
export interface Command {
  /** yargs command string, e.g. `replay <files..>`; several for aliases (`$0` marks the default command). */
  usage: string | string[];
  /** One-line description for --help. */
  describe: string;
  /** Declares positional arguments. */
  builder?: (y: Argv) => Argv;
  /** Runs the command; resolves to the exit status. */
  run(args: Record<string, unknown>, o: OptionValues, log: Logger): Promise<number>;
}
