import { describe, expect, expectTypeOf, it } from 'vitest';
import { ENCAP, ENCAP_NAMES } from './encaps.js';
import { ids } from './id-list.js';
import { LAYER, LAYER_NAMES } from './layers.js';
import { REASON, REASON_NAMES } from './reasons.js';

describe('id tables from one label list', () => {
  it('gives each label its index, under its upper-case key', () => {
    const t = ids(['', 'ipv4', '6in4'], { '6in4': 'SIX_IN_FOUR' });
    expect(t).toEqual({ NONE: 0, IPV4: 1, SIX_IN_FOUR: 2 });
    expectTypeOf(t.IPV4).toEqualTypeOf<1>();
    expect(Object.isFrozen(t)).toBe(true);
  });

  it.each([
    ['layers', LAYER, LAYER_NAMES],
    ['encapsulations', ENCAP, ENCAP_NAMES],
    ['reasons', REASON, REASON_NAMES],
  ] as const)('%s: every id indexes its own label, and every label has one id', (_what, table, names) => {
    const entries = Object.entries(table as Record<string, number>);
    expect(entries.map(([, id]) => id).sort((a, b) => a - b)).toEqual(names.map((_, i) => i));
    expect(LAYER_NAMES[LAYER.IPV4]).toBe('ipv4');
    expect(ENCAP_NAMES[ENCAP.SIX_IN_FOUR]).toBe('6in4');
    expect(REASON_NAMES[REASON.TOO_DEEP]).toBe('too_deep');
  });
});
