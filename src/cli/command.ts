import type { Logger } from 'pino';
import type { Argv } from 'yargs';
import type { OptionName, OptionValues } from './options.js';

/** A netscore subcommand; `commands.ts` lists them. */
export interface Command {
  /** The command's name, e.g. `replay`. */
  name: string;
  /** yargs command string with the positionals, e.g. `replay <files..>`. */
  usage: string;
  /** True for the command run when none is named (`run`). */
  isDefault?: boolean;
  /** One-line description for --help. */
  describe: string;
  /** The shared options (options.ts) that apply to this command; any other is an error. */
  options: readonly OptionName[];
  /** Declares the positionals and the command's own flags (shown first in its --help). */
  builder?: (y: Argv) => Argv;
  /** Runs the command (its module is loaded only now); resolves to the exit status. */
  run(args: Record<string, unknown>, o: OptionValues, log: Logger): Promise<number>;
}
