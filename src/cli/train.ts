import type { Logger } from 'pino';
import { saveDetectorModel } from '../model/detector-file.js';
import type { DetectorModel } from '../model/detector.js';
import { buildPipeline, scoringOf } from '../pipeline/build-pipeline.js';
import { feedFiles } from './feed.js';
import { fileProblem } from './file-problem.js';
import type { OptionValues } from './options.js';
import { checkOutputFile } from './paths.js';

/**
 * Fits a model on every host-window of `files`: the detector collects them all
 * (no warm-up cut-off, a reservoir as large as --model.reservoir-size) and fits once at the end.
 */
export async function trainOn(files: string[], o: OptionValues): Promise<{ model: DetectorModel; errors: string[] }> {
  const pipeline = buildPipeline(o, { training: true });
  const errors = await feedFiles(files, pipeline, 0, { maxInterfaces: o['capture.max-interfaces'] });
  pipeline.finish();
  const detector = scoringOf(pipeline).detector;
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
  const out = args['model.out'] as string;
  // Checked before training, which can take minutes.
  checkOutputFile('--model.out', out, 'model.json');
  const { model, errors } = await trainOn(files, o);
  try {
    await saveDetectorModel(out, model);
  } catch (err) {
    throw new Error(`cannot write the model: ${fileProblem(out, (err as Error).cause ?? err)}`, { cause: err });
  }
  log.info({ out: args['model.out'], samples: model.samples, threshold: Number(model.threshold.toFixed(4)) }, 'model written');
  return errors.length > 0 ? 1 : 0;
}
