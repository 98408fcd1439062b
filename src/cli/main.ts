#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { disableInspectorSignal } from '../privileges/inspector-signal.js';
import { BUILD_DATE, REVISION, VERSION } from '../util/version.js';
import type { Command } from './command.js';
import { UsageError } from './usage-error.js';

/** Exit status of a usage or configuration problem; a failure at run time is 1. */
const EXIT_USAGE = 2;

/**
 * Parses argv and runs the chosen command; resolves to the process exit
 * status: 0, 1 for a failure at run time, 2 for bad usage or configuration.
 * `--version` loads nothing but the version file.
 */
export async function main(argv: string[]): Promise<number> {
  const flags = argv.slice(0, argv.includes('--') ? argv.indexOf('--') : argv.length);
  if (flags.includes('--version')) {
    process.stdout.write(`netscore ${VERSION} (revision ${REVISION}, built ${BUILD_DATE}, node ${process.version})\n`);
    return 0;
  }
  const [{ default: yargs }, { COMMANDS }, { OPTIONS, OptionError, optionSpec, resolveOptions }, { yargsOption }] = await Promise.all([
    import('yargs'),
    import('./commands.js'),
    import('./options.js'),
    import('./option-help.js'),
  ]);
  const help = flags.some((a) => a === '--help' || a === '-h');
  let status = 0;
  try {
    const takesValue = (flag: string) => !(flag === 'help' || flag === 'h' || OPTIONS.some((o) => o.name === flag.replace(/^no-/, '') && o.kind === 'boolean'));
    const stray = strayValue(flags, takesValue, new Set(COMMANDS.map((c) => c.name)));
    if (stray) throw new UsageError(`--${stray.flag} is a switch and takes no value, but "${stray.value}" follows it; write --${stray.flag}, --no-${stray.flag} or --${stray.flag}=false`);
    const name = commandName(flags, takesValue);
    const cmd = name === undefined ? COMMANDS.find((c) => c.isDefault) : COMMANDS.find((c) => c.name === name);
    if (cmd === undefined) throw new UsageError(unknownCommand(name ?? '', COMMANDS));
    const shared = new Set<string>(OPTIONS.map((o) => o.name));
    const misplaced = flagNames(flags).filter((f) => shared.has(f) && !cmd.options.includes(f as never));
    if (misplaced.length > 0) throw new UsageError(notApplicable(misplaced, cmd, COMMANDS));
    let cli = yargs(argv)
      .scriptName('netscore')
      .parserConfiguration({ 'dot-notation': false, 'camel-case-expansion': false, 'greedy-arrays': false, 'parse-numbers': false, 'parse-positional-numbers': false })
      .strict()
      .version(false)
      .help()
      .alias('help', 'h')
      .showHelpOnFail(false)
      .wrap(Math.min(120, process.stdout.columns ?? 100))
      .fail((msg, err) => {
        // yargs reports a missing positional before an unknown flag that swallowed it as its value.
        const own = cmd.builder ? declared(cmd.builder(yargs([]))) : [];
        const unknown = err ? undefined : unknownFlag(flags, new Set(['help', ...cmd.options, ...own]));
        throw err ?? new UsageError(unknown ? `Unknown argument: ${unknown}` : msg);
      });
    if (help && name === undefined) {
      // `netscore --help`: the commands; each command's --help lists its options.
      cli = cli.usage('$0 <command> [options]\n\nCapture-and-score Prometheus exporter for network traffic.\nRun `netscore <command> --help` for the options of a command.');
      for (const c of COMMANDS) cli = cli.command(c.usage, c.describe);
      await cli.parseAsync();
      return 0;
    }
    cli = cli.command({
      command: cmd.isDefault ? [cmd.usage, '$0'] : cmd.usage,
      describe: help ? cmd.describe : false,
      builder: (y) => {
        let b = cmd.builder?.(y) ?? y;
        // yargs shows groups in the order they are first used: the command's own, then cmd.options' order.
        for (const name of cmd.options) {
          const spec = optionSpec(name);
          if (spec) b = b.option(name, yargsOption(spec, `${spec.group} options:`, help));
        }
        return b;
      },
      handler: async (args) => {
        disableInspectorSignal();
        const o = resolveOptions(OPTIONS, args as Record<string, unknown>, process.env);
        const { createLogger } = await import('./logger.js');
        const log = createLogger(o['log.level'], o['log.format']);
        status = await cmd.run(args as Record<string, unknown>, o, log);
      },
    });
    await cli.parseAsync();
  } catch (err) {
    process.stderr.write(`netscore: ${oneLine(err)}\n`);
    return err instanceof UsageError || err instanceof OptionError ? EXIT_USAGE : 1;
  }
  return status;
}

/** The command named in `flags`: the first word that is not a flag or a flag's value; undefined when there is none. */
function commandName(flags: string[], takesValue: (flag: string) => boolean): string | undefined {
  for (let i = 0; i < flags.length; i++) {
    const t = flags[i];
    if (!t.startsWith('-')) return t;
    // `--flag value` and `-o value`; `--flag=value` and boolean flags stand alone.
    if (!t.includes('=') && takesValue(t.replace(/^--?/, ''))) i++;
  }
  return undefined;
}

/**
 * A word after a switch (`--scoring maybe`) that is neither true/false, a
 * command nor an existing file, so cannot be a file argument: the user meant
 * it as the switch's value.
 */
function strayValue(flags: string[], takesValue: (flag: string) => boolean, commands: ReadonlySet<string>): { flag: string; value: string } | undefined {
  for (let i = 0; i + 1 < flags.length; i++) {
    const t = flags[i];
    const next = flags[i + 1];
    if (!t.startsWith('--') || t.includes('=') || takesValue(t.slice(2)) || next.startsWith('-')) continue;
    if (next === 'true' || next === 'false' || commands.has(next) || existsSync(next)) continue;
    return { flag: t.slice(2).replace(/^no-/, ''), value: next };
  }
  return undefined;
}

/** The long flag names in `flags`, without dashes, values or a `no-` negation. */
function flagNames(flags: string[]): string[] {
  return flags.filter((t) => t.startsWith('--')).map((t) => t.slice(2).split('=')[0].replace(/^no-/, ''));
}

/** "unknown command" with the nearest command name, if one is close, and the list of commands. */
function unknownCommand(name: string, commands: readonly Command[]): string {
  const names = commands.map((c) => c.name);
  const near = names
    .map((n) => ({ n, d: editDistance(name, n) }))
    .filter((x) => x.d <= Math.max(1, Math.floor(x.n.length / 3)) || x.n.startsWith(name))
    .sort((a, b) => a.d - b.d)[0];
  return `unknown command "${name}"${near ? `; did you mean "${near.n}"?` : ''} (commands: ${names.join(', ')}; see netscore --help)`;
}

/** Names the shared options given to a command they do not apply to, and the commands they do apply to. */
function notApplicable(names: string[], cmd: Command, commands: readonly Command[]): string {
  const where = (n: string) => commands.filter((c) => c.options.includes(n as never)).map((c) => c.name);
  const list = names.map((n) => `--${n}${where(n).length ? ` (an option of ${where(n).join(', ')})` : ''}`).join(', ');
  return `${list} ${names.length > 1 ? 'do' : 'does'} not apply to netscore ${cmd.name}; see netscore ${cmd.name} --help for its options`;
}

/** Levenshtein distance between two short words. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

/** Names of the options declared on a yargs instance (getOptions is untyped but public). */
function declared(y: unknown): string[] {
  return Object.keys((y as { getOptions: () => { key: Record<string, unknown> } }).getOptions().key);
}

/** The first `--flag` of argv that is not a known option (`--no-flag` negates a known one), if any. */
function unknownFlag(argv: string[], known: Set<string>): string | undefined {
  for (const token of argv) {
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

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`netscore: ${oneLine(err)}\n`);
    process.exitCode = 1;
  },
);
