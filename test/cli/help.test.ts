import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands.js';
import { OPTIONS } from '../../src/cli/options.js';
import { runCli } from './spawn.js';

/** Where option `name`'s entry starts in a help text: yargs indents a flag by 6 (2 before a short alias); wrapped descriptions, which may mention flags, are indented further. */
function entryStart(text: string, name: string): number {
  const m = new RegExp(`^( {2}-\\w, | {6})--${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `, 'm').exec(text);
  return m ? m.index + m[0].length : -1;
}

/** The help text of one option: from its flag to the next option's line or a blank line. */
function entry(text: string, name: string): string {
  const start = entryStart(text, name);
  if (start < 0) return '';
  const rest = text.slice(start);
  const end = rest.search(/\n( {2}-\w, | {6})--[\w.-]+ |\n\n/);
  return rest.slice(0, end < 0 ? undefined : end).replace(/\s+/g, ' ');
}

/** Commands with flags of their own (not in options.ts). */
const OWN_FLAGS = new Set(['synth', 'train', 'eval', 'demo', 'interfaces']);

// main.ts describes options and commands to yargs only when --help is asked for.
describe('netscore --help', () => {
  it('lists every command, and says how to see a command\'s options', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    const text = stdout.replace(/\s+/g, ' ');
    for (const c of COMMANDS) expect(text).toContain(c.describe.split(' ').slice(0, 6).join(' '));
    expect(text).toContain('netscore <command> --help');
  });

  it.each(COMMANDS.map((c) => [c.name, c] as const))('%s --help shows its own options first and no option of other commands', async (_name, cmd) => {
    const { code, stdout } = await runCli([cmd.name, '--help']);
    expect(code).toBe(0);
    for (const o of OPTIONS) {
      if (cmd.options.includes(o.name)) {
        expect(entry(stdout, o.name), o.name).toContain(o.describe.split(' ').slice(0, 6).join(' '));
      } else {
        expect(entryStart(stdout, o.name), o.name).toBe(-1);
      }
    }
    // The command's own flags (if any) come before every shared option group.
    const firstHeading = /^(Options of \w+|\w+ options):$/m.exec(stdout)?.[1];
    expect(firstHeading).toBe(OWN_FLAGS.has(cmd.name) ? `Options of ${cmd.name}` : firstHeading?.startsWith('Options of') ? 'none' : firstHeading);
  });

  it('shows sizes and durations with units, and numeric options as numbers, not strings', async () => {
    const { stdout } = await runCli(['run', '--help']);
    expect(entry(stdout, 'anomaly.log-max-size')).toContain('[default: 100MiB]');
    expect(entry(stdout, 'capture.buffer-size')).toContain('[default: 64MiB]');
    expect(entry(stdout, 'flow.timeout.tcp')).toContain('[default: 5m]');
    expect(stdout).not.toContain('104857600');
    for (const o of OPTIONS.filter((s) => ['int', 'number', 'duration', 'bytes'].includes(s.kind) && s.group !== 'Replay')) {
      expect(entry(stdout, o.name), o.name).not.toContain('[string]');
    }
  });

  it('describes the file arguments without a default', async () => {
    for (const cmd of ['replay', 'train']) {
      const { stdout } = await runCli([cmd, '--help']);
      expect(stdout).toMatch(/^ {2}files +.+\[array\] \[required\]$/m);
      expect(stdout).not.toContain('[default: []]');
    }
  });
});
