import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPTIONS, resolveOptions } from '../../src/cli/options.js';
import { trainOn } from '../../src/cli/train.js';
import { loadDetectorModel, saveDetectorModel } from '../../src/model/detector-file.js';
import { registerModelFamily } from '../../src/model/families.js';
import { modelFamilySuite } from '../../src/model/family.case.test.js';
import { synthCapture } from '../cli/captures.js';
import { zscoreFamily } from './zscore-family.js';

registerModelFamily(zscoreFamily);
modelFamilySuite(zscoreFamily);

describe('a family registered with one line', () => {
  it('is what `netscore train` fits with --model.kind set to its kind, and its model file reads back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'netscore-zscore-'));
    try {
      const capture = await synthCapture(dir, 'baseline', ['--duration=60', '--attacks=none']);
      // The option's choices are the families registered when options.ts loaded, so the value is set after validation.
      const o = { ...resolveOptions(OPTIONS, {}, {}), 'model.kind': 'zscore' };
      const { model } = await trainOn([capture], o);
      expect(model.scorer.kind).toBe('zscore');
      const path = join(dir, 'model.json');
      await saveDetectorModel(path, model);
      expect(JSON.parse(await readFile(path, 'utf8')).family).toBe('zscore');
      const back = await loadDetectorModel(path);
      expect(back.scorer.toDoc()).toEqual(model.scorer.toDoc());
      expect(back.threshold).toBe(model.threshold);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
