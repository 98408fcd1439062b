import { describe, expect, it } from 'vitest';
import { runCli } from './spawn.js';

describe('fanout flags of netscore run', () => {
  it.each([
    [['--capture.fanout-mode=rr'], 'netscore: invalid value for --capture.fanout-mode: "rr" (want one of hash, lb, cpu)\n'],
    [['--capture.fanout-group=65536'], 'netscore: invalid value for --capture.fanout-group: "65536" (want at most 65535)\n'],
    [['--capture.fanout-group=-1'], 'netscore: invalid value for --capture.fanout-group: "-1" (want at least 0)\n'],
    [['--capture.fanout-group=7'], 'netscore: --capture.fanout-group applies only with --capture.workers 2 or more\n'],
  ])('%j is refused in one line, exit 2, before anything is opened', async (flags, message) => {
    const { code, stderr } = await runCli(['run', ...flags, '--capture.interface=netscore-none']);
    expect(stderr).toBe(message);
    expect(code).toBe(2);
  });

  it('run --capture.workers 2 on a missing interface fails in one line, exit 1: each worker opens its own handle', async () => {
    const { code, stderr } = await runCli(['run', '--capture.workers=2', '--capture.interface=netscore-none']);
    expect(stderr).toBe('netscore: capture on netscore-none: No such device exists\n');
    expect(code).toBe(1);
  });
});
