import type { Logger } from 'pino';
import type { Argv } from 'yargs';
import { saveDetectorModel } from '../model/detector-file.js';
import type { DetectorModel } from '../model/detector.js';
import { Pipeline } from '../pipeline/pipeline.js';
import type { Scoring } from '../pipeline/scoring.js';
import { feedFiles } from './feed.js';
import type { OptionValues } from './options.js';
import { pipelineConfig } from './pipeline-config.js';

/** Declares `train`'s own flags. */
export function trainBuilder(y: Argv): Argv {
  return y
    .positional('files', { describe: 'baseline captures (normal traffic only)', type: 'string', array: true })
    .option('model.out', { type: 'string', describe: 'Where to write the model (written atomically).', demandOption: true, requiresArg: true });
}

/**
 * Fits a model on every host-window of `files`: the detector collects them all
 * (no warm-up cut-off, a reservoir as large as --model.reservoir-size) and fits once at the end.
 */
export async function trainOn(files: string[], o: OptionValues): Promise<{ model: DetectorModel; errors: string[] }> {
  const config = pipelineConfig(o);
  const scoring = config.scoring!;
  const pipeline = new Pipeline({ ...config, scoring: { ...scoring, detector: { ...scoring.detector, warmupSeconds: Infinity } } });
  const errors = await feedFiles(files, pipeline, 0, { maxInterfaces: o['capture.max-interfaces'] as number });
  pipeline.finish();
  const detector = (pipeline.scoring as Scoring).detector;
  try {
    detector.fit(pipeline.traffic.lastTimestamp);
  } catch (err) {
    throw new Error(`cannot train on ${files.join(', ')}: ${(err as Error).message}`, { cause: err });
  }
  return { model: detector.model as DetectorModel, errors };
}

/** `netscore train FILE... --model.out M`. */
export async function train(args: Record<string, unknown>, o: OptionValues, log: Logger): Promise<number> {
  const files = args.files as string[];
  const { model, errors } = await trainOn(files, o);
  await saveDetectorModel(args['model.out'] as string, model);
  log.info({ out: args['model.out'], samples: model.samples, threshold: Number(model.threshold.toFixed(4)) }, 'model written');
  return errors.length > 0 ? 1 : 0;
}
