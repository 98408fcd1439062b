import { describe, expect, expectTypeOf, it } from 'vitest';
import { OPTIONS, resolveOptions, type OptionValues } from '../../src/cli/options.js';

// Checked by `npm run typecheck` (tsconfig.test.json): OptionValues is derived from OPTIONS.
describe('OptionValues', () => {
  it('types each option by its kind, choices and default', () => {
    expectTypeOf<OptionValues['flow.max']>().toEqualTypeOf<number>();
    expectTypeOf<OptionValues['capture.promiscuous']>().toEqualTypeOf<boolean>();
    expectTypeOf<OptionValues['capture.interface']>().toEqualTypeOf<string[] | undefined>();
    expectTypeOf<OptionValues['model.file']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<OptionValues['log.level']>().toEqualTypeOf<'debug' | 'info' | 'warn' | 'error'>();
    // @ts-expect-error a misspelt option name does not compile
    expectTypeOf<OptionValues['flow.maxx']>().toBeNever();
  });

  it('resolves every option, with the declared defaults', () => {
    const o = resolveOptions(OPTIONS, {}, {});
    expect(Object.keys(o).sort()).toEqual(OPTIONS.map((s) => s.name).sort());
    expect(o['flow.max']).toBe(1_000_000);
    expect(o['flow.timeout.tcp']).toBe(300);
    expect(o['decode.max-depth']).toBe(128);
  });
});
