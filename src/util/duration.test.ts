import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';

describe('parseDuration', () => {
  it('reads Prometheus-style durations and plain seconds', () => {
    expect(parseDuration('10s')).toBe(10);
    expect(parseDuration('1h30m')).toBe(5400);
    expect(parseDuration('250ms')).toBe(0.25);
    expect(parseDuration('2.5')).toBe(2.5);
    expect(parseDuration('1d')).toBe(86400);
  });
  it('rejects anything else', () => {
    for (const bad of ['', 's', '10x', '10s junk', '-5s', '1h 30m']) expect(parseDuration(bad)).toBeUndefined();
  });
});
