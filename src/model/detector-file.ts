import { FEATURE_NAMES } from '../features/schema.js';
import type { Baseline } from './explain.js';
import { BASELINE_FIELDS, loadModel, saveModel } from './model-file.js';
import type { DetectorModel } from './types.js';

/** Writes a detector model (scorer, threshold, baseline) on rows of `schema` atomically to `path`. */
export async function saveDetectorModel(path: string, model: DetectorModel, schema: readonly string[] = FEATURE_NAMES): Promise<void> {
  const baseline = Object.fromEntries(BASELINE_FIELDS.map((f) => [f, Array.from(model.baseline[f])])) as Record<(typeof BASELINE_FIELDS)[number], number[]>;
  await saveModel(path, model.scorer, {
    schema,
    threshold: model.threshold,
    trainedAt: Number.isFinite(model.trainedAt) ? new Date(model.trainedAt * 1000).toISOString() : undefined,
    samples: model.samples,
    baseline,
    context: model.context,
  });
}

/** Reads a model on rows of `schema` written by saveDetectorModel; every problem is a one-line Error naming the file. */
export async function loadDetectorModel(path: string, schema: readonly string[] = FEATURE_NAMES): Promise<DetectorModel> {
  const { model, meta } = await loadModel(path, schema);
  if (meta.threshold === undefined) throw new Error(`${path}: model has no alert threshold`);
  if (meta.baseline === undefined) throw new Error(`${path}: model has no training baseline`);
  const b = meta.baseline;
  const baseline = Object.fromEntries(BASELINE_FIELDS.map((f) => [f, Float64Array.from(b[f])])) as unknown as Baseline;
  const trainedAt = meta.trainedAt === undefined ? NaN : Date.parse(meta.trainedAt) / 1000;
  return { scorer: model, threshold: meta.threshold, baseline, samples: meta.samples ?? 0, trainedAt, context: meta.context };
}
