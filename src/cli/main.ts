#!/usr/bin/env node
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { disableInspectorSignal } from '../privileges/inspector-signal.js';
import { VERSION } from '../util/version.js';
import { COMMANDS } from './commands.js';
import { createLogger } from './logger.js';
import { OPTIONS, OptionError, resolveOptions, type OptionSpec } from './options.js';

/** A usage problem yargs found (unknown flag, missing argument); exit status 2. */
class UsageError extends Error {}

/** The yargs declaration of `spec`; hidden unless `help` (see main). */
function yargsOption(spec: OptionSpec, help: boolean) {
  const shown = spec.default === undefined ? '' : ` [default: ${spec.kind === 'duration' ? `${spec.default}s` : String(spec.default)}]`;
  return {
    // Values are validated by resolveOptions, so yargs keeps them as text and names no type errors itself.
    type: spec.kind === 'boolean' ? ('boolean' as const) : spec.kind === 'list' ? ('array' as const) : ('string' as const),
    global: true,
    requiresArg: spec.kind !== 'boolean' && spec.kind !== 'list',
    ...(help ? { describe: `${spec.describe}${spec.choices ? ` (${spec.choices.join('|')})` : ''}${shown}`, group: `${spec.group}:` } : { hidden: true }),
  };
}

/** Parses argv and runs the chosen command; resolves to the process exit status. */
export async function main(argv: string[]): Promise<number> {
  let status = 0;
  let cli: Argv = yargs(argv)
    .scriptName('netscore')
    .usage('$0 [command] [options]\n\nCapture-and-score Prometheus exporter for network traffic.')
    .parserConfiguration({ 'dot-notation': false, 'camel-case-expansion': false, 'greedy-arrays': false })
    .strict()
    .version(VERSION)
    .help()
    .alias('help', 'h')
    .showHelpOnFail(false)
    .wrap(Math.min(120, process.stdout.columns ?? 100))
    .fail((msg, err) => {
      // yargs reports a missing positional before an unknown flag that swallowed it as its value.
      const unknown = err ? undefined : unknownFlag(argv, knownOptions(argv));
      throw err ?? new UsageError(unknown ? `Unknown argument: ${unknown}` : msg);
    });
  // yargs lays out the whole help text (~0.1 s) after starting any command but the default one; options and
  // commands are described to it only when --help will show that text.
  const help = argv.some((a) => a === '--help' || a === '-h');
  for (const spec of OPTIONS) cli = cli.option(spec.name, yargsOption(spec, help));
  for (const cmd of COMMANDS) {
    cli = cli.command({
      command: cmd.usage,
      describe: help ? cmd.describe : false,
      builder: (y) => cmd.builder?.(y) ?? y,
      handler: async (args) => {
        disableInspectorSignal();
        const o = resolveOptions(OPTIONS, args as Record<string, unknown>, process.env);
        const log = createLogger(o['log.level'] as string, o['log.format'] as string);
        status = await cmd.run(args as Record<string, unknown>, o, log);
      },
    });
  }
  cli = cli.demandCommand(1, 'a command is required: see --help');
  try {
    await cli.parseAsync();
  } catch (err) {
    process.stderr.write(`netscore: ${oneLine(err)}\n`);
    return err instanceof UsageError || err instanceof OptionError ? 2 : 1;
  }
  return status;
}

/** Names of the options declared on a yargs instance (getOptions is untyped but public). */
function declared(y: Argv): string[] {
  return Object.keys((y as unknown as { getOptions: () => { key: Record<string, unknown> } }).getOptions().key);
}

/** Option names valid for the command named in argv: the global ones and the command's own. */
function knownOptions(argv: string[]): Set<string> {
  const name = argv.find((t) => !t.startsWith('-'));
  const cmd = COMMANDS.find((c) => [c.usage].flat().some((u) => u.split(' ')[0] === name));
  return new Set(['help', 'version', ...OPTIONS.map((o) => o.name), ...(cmd?.builder ? declared(cmd.builder(yargs([]))) : [])]);
}

/** The first `--flag` of argv that is not a known option (`--no-flag` negates a known one), if any. */
function unknownFlag(argv: string[], known: Set<string>): string | undefined {
  for (const token of argv) {
    if (token === '--') break;
    if (!token.startsWith('--')) continue;
    const name = token.slice(2).split('=')[0];
    if (!known.has(name) && !(name.startsWith('no-') && known.has(name.slice(3)))) return name;
  }
  return undefined;
}

/** The first line of an error's message; never a stack trace. */
function oneLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0];
}

main(hideBin(process.argv)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`netscore: ${oneLine(err)}\n`);
    process.exitCode = 1;
  },
);
