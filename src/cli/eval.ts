import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { Argv } from 'yargs';
import { evaluate, type ScoredWindow } from '../eval/evaluate.js';
import { formatReport } from '../eval/format-report.js';
import { loadDetectorModel } from '../model/detector-file.js';
import { Pipeline } from '../pipeline/pipeline.js';
import type { Scoring } from '../pipeline/scoring.js';
import { feedFiles } from './feed.js';
import { OptionError, type OptionValues } from './options.js';
import { pipelineConfig } from './pipeline-config.js';
import { trainOn } from './train.js';

/** Declares `eval`'s own flags. */
export function evalBuilder(y: Argv): Argv {
  return y
    .positional('file', { describe: 'labelled capture', type: 'string' })
    .option('labels', { type: 'string', describe: 'Labels JSON written by `netscore synth --labels` (or by hand, same format).', demandOption: true, requiresArg: true })
    .option('train', { type: 'string', array: true, describe: 'Benign captures to train on first (otherwise --model.file, otherwise online learning).' });
}

/** Reads and checks a labels file; problems are one-line errors naming it. */
function readLabels(path: string): Parameters<typeof evaluate>[1] {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new OptionError(`labels ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  const d = doc as Parameters<typeof evaluate>[1];
  const ok =
    typeof d?.evaluation?.window_s === 'number' &&
    Array.isArray(d.attacks) &&
    d.attacks.every((a) => typeof a.attacker_ip === 'string' && typeof a.type === 'string' && Number.isFinite(a.start_ts) && Number.isFinite(a.end_ts) && Array.isArray(a.victim_ips));
  if (!ok) throw new OptionError(`labels ${path}: want {"evaluation":{"window_s":N},"attacks":[{"type","attacker_ip","victim_ips","start_ts","end_ts"}]}`);
  return d;
}

/** `netscore eval FILE --labels L [--model.file M | --train FILE...]`. */
export async function evalCommand(args: Record<string, unknown>, o: OptionValues, log: Logger): Promise<number> {
  const labels = readLabels(args.labels as string);
  const trainFiles = (args.train as string[] | undefined) ?? [];
  const modelFile = o['model.file'] as string | undefined;
  const model = trainFiles.length > 0 ? (await trainOn(trainFiles, o)).model : modelFile ? await loadDetectorModel(modelFile) : undefined;
  const pipeline = new Pipeline(pipelineConfig({ ...o, window: labels.evaluation.window_s }, model));
  const scoring = pipeline.scoring as Scoring;
  const rows: ScoredWindow[] = [];
  const index = new Map<string, ScoredWindow>();
  scoring.onScores((batch, scores, threshold) => {
    for (let i = 0; i < batch.hosts.length; i++) {
      const row: ScoredWindow = { windowStart: batch.start, host: batch.hosts[i], score: scores[i], flagged: scores[i] > threshold };
      rows.push(row);
      index.set(`${batch.start} ${batch.hosts[i]}`, row);
    }
  });
  // Anomalies are emitted while their window is scored, before onScores sees it; keep their categories.
  const categories = new Map<string, string>();
  scoring.onAnomaly((a) => categories.set(`${a.window_start} ${a.host}`, a.category));
  const errors = await feedFiles([args.file as string], pipeline, 0, { maxInterfaces: o['capture.max-interfaces'] as number });
  pipeline.finish();
  for (const [key, category] of categories) {
    const row = index.get(key);
    if (row) row.category = category;
  }
  const report = evaluate(rows, labels);
  log.debug({ windows: report.windows, mode: trainFiles.length ? 'trained' : modelFile ? 'model file' : 'online' }, 'evaluation finished');
  const text = o.summary ? JSON.stringify(report) : formatReport(report);
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  return errors.length > 0 ? 1 : 0;
}
