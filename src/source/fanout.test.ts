import { describe, expect, it } from 'vitest';
import { fanoutProblem } from './fanout.js';

describe('fanoutProblem', () => {
  it('accepts every mode, a derived group and both ends of the id range on Linux', () => {
    for (const fanout of [{}, { mode: 'hash' as const }, { mode: 'lb' as const, group: 0 }, { mode: 'cpu' as const, group: 65_535 }]) {
      expect(fanoutProblem(fanout, 'linux')).toBeUndefined();
    }
  });

  it('names what is wrong in one line', () => {
    expect(fanoutProblem({ group: -1 }, 'linux')).toBe('fanout group must be an integer from 0 to 65535, got -1');
    expect(fanoutProblem({ group: 1.5 }, 'linux')).toBe('fanout group must be an integer from 0 to 65535, got 1.5');
  });

  it('refuses fanout outside Linux, whatever the options', () => {
    for (const platform of ['darwin', 'freebsd', 'win32']) {
      expect(fanoutProblem({ mode: 'hash' }, platform)).toBe('packet fanout (several capture workers on one interface) is Linux only');
    }
  });
});
