/**
 * Detection on the real captures of the shared corpus, with a model trained on
 * benign synthetic traffic only (a network it has never seen): every capture
 * that contains a scan, flood, tunnel or brute force raises at least one
 * anomaly of the matching category, and no benign capture raises a critical
 * one, with every model seed of SEEDS (the threshold moves with the seed:
 * docs/detection.md, *Seed stability of the threshold*). real-captures.json
 * says which captures count, and why the others cannot.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BENIGN_TRAINING, scoreRun, trainModel } from '../../src/eval/scenario.js';
import type { DetectorModel } from '../../src/model/detector.js';
import { PCAPS } from '../oracle/manifest.js';

interface Listed {
  capture: string;
  kind: 'scan' | 'flood' | 'tunnel' | 'brute-force';
  /** The category at least one anomaly must have. */
  category?: string;
  why?: string;
  /** Why the capture cannot be detected per source host (instead of category). */
  excluded?: string;
}

const listing = JSON.parse(readFileSync(path.join(import.meta.dirname, 'real-captures.json'), 'utf8')) as { captures: Listed[]; other: { captures: string[] } };
const detectable = listing.captures.filter((c) => c.category !== undefined);
/** Model seeds every assertion must hold for (the default, 1, first). */
const SEEDS = [1, 2, 3, 4, 5];
const benign = readdirSync(path.join(PCAPS, 'benign'))
  .filter((f) => /\.pcap(ng)?$/.test(f))
  .sort();

describe('real captures, model trained on benign synthetic traffic', () => {
  const models: DetectorModel[] = [];

  beforeAll(async () => {
    for (const seed of SEEDS) models.push(await trainModel(BENIGN_TRAINING, { seed }));
  }, 300_000);

  it('lists every attack capture once, each with a category or a reason', () => {
    const listed = [...listing.captures.map((c) => c.capture), ...listing.other.captures].sort();
    const present = readdirSync(path.join(PCAPS, 'attacks'))
      .filter((f) => /\.pcap(ng)?$/.test(f))
      .map((f) => `attacks/${f}`)
      .sort();
    expect(listed).toEqual(present);
    for (const c of listing.captures) expect(c.category !== undefined ? c.why : c.excluded, c.capture).toBeTruthy();
  });

  it.each(detectable.map((c) => [c.capture, c.category!] as const))('%s raises a %s anomaly', async (capture, category) => {
    for (const [i, model] of models.entries()) {
      const { anomalies } = await scoreRun(model, path.join(PCAPS, capture));
      const seen = [...new Set(anomalies.map((a) => a.category))];
      expect(seen, `seed ${SEEDS[i]}, categories seen: ${seen.join(', ') || 'none'}`).toContain(category);
    }
  });

  it.each(benign)('benign/%s raises no critical anomaly', async (file) => {
    for (const [i, model] of models.entries()) {
      const { anomalies } = await scoreRun(model, path.join(PCAPS, 'benign', file));
      expect(anomalies.filter((a) => a.severity === 'critical').map((a) => `${a.host} ${a.category}`), `seed ${SEEDS[i]}`).toEqual([]);
    }
  });

  // #15's target: at most 2 of the 14. Before the training's internet use (startInternetUse) 6, 6, 6, 2, 5 raised
  // at seeds 1-5: QUIC, mail to a public server behind a smaller-MTU link (ICMP fragmentation-needed) and pages that
  // resolve tens of names lay beyond anything the synthetic site did (docs/detection.md, *Real benign captures*).
  // Now only smtp-mail-attachment raises, at every seed (0.86-0.87 against thresholds of 0.806-0.856): its sender's
  // capture holds segments its network card had yet to cut (mean 2797 bytes), larger than any synthetic frame.
  // The one-sided windows of dhcp-dora, quic-https's 10.0.0.4, tcp-retransmissions and web-browse-wikipedia are too
  // thin to flag.
  it('keeps at most 2 of the 14 benign captures raising anything with every seed', async () => {
    expect(benign).toHaveLength(14);
    for (const [i, model] of models.entries()) {
      const raising: string[] = [];
      for (const file of benign) if ((await scoreRun(model, path.join(PCAPS, 'benign', file))).anomalies.length > 0) raising.push(file);
      expect(raising.length, `seed ${SEEDS[i]}: ${raising.join(', ')}`).toBeLessThanOrEqual(2);
    }
  }, 120_000);

  it('derives GPD thresholds that stay at the training scores\' top instead of the 0.99 cap', async () => {
    // The 4096 threshold scores of this training end at 0.66; the unbounded GPD fit reached 1.09 (capped at
    // 0.99), which silenced six of these captures. Bounded by the sample, `gpd` lies below the exponential
    // threshold, and the default (`heavier`) is the exponential one.
    const gpd = await trainModel(BENIGN_TRAINING, { tail: 'gpd' });
    const exponential = await trainModel(BENIGN_TRAINING, { tail: 'exponential' });
    expect(gpd.threshold).toBeLessThan(exponential.threshold);
    expect(models[0].threshold).toBe(exponential.threshold);
  }, 120_000);
});
