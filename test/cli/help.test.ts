import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands.js';
import { OPTIONS } from '../../src/cli/options.js';
import { runCli } from './spawn.js';

// main.ts describes options and commands to yargs only when --help is asked for.
describe('netscore --help', () => {
  it.each([['--help'], ['replay', '-h']])('%s lists every command and every option with its help line', async (...args) => {
    const { code, stdout } = await runCli(args);
    expect(code).toBe(0);
    const text = stdout.replace(/\s+/g, ' ');
    if (args[0] === '--help') for (const c of COMMANDS) expect(text).toContain(c.describe);
    for (const o of OPTIONS) {
      expect(text).toContain(`--${o.name} `);
      expect(text).toContain(o.describe.split(' ').slice(0, 6).join(' '));
    }
  });
});
