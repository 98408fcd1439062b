import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { evaluate, type ScoredWindow } from '../eval/evaluate.js';
import { formatReport } from '../eval/format-report.js';
import { loadDetectorModel } from '../model/detector-file.js';
import { buildPipeline, scoringOf } from '../pipeline/build-pipeline.js';
import { feedFiles } from './feed.js';
import { fileProblem } from './file-problem.js';
import { OptionError, type OptionValues } from './options.js';
import { trainOn } from './train.js';

/** Reads and checks a labels file; problems are one-line errors naming it. */
function readLabels(path: string): Parameters<typeof evaluate>[1] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new OptionError(`--labels ${fileProblem(path, err)}`, { cause: err });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new OptionError(`--labels ${path} is not JSON; give the labels file written by netscore synth --labels`, { cause: err });
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
  const modelFile = o['model.file'];
  const model = trainFiles.length > 0 ? (await trainOn(trainFiles, o)).model : modelFile ? await loadDetectorModel(modelFile) : undefined;
  const pipeline = buildPipeline({ ...o, scoring: true, window: labels.evaluation.window_s }, { model });
  const scoring = scoringOf(pipeline);
  const rows: ScoredWindow[] = [];
  const index = new Map<string, ScoredWindow>();
  const windows = { all: 0, scored: 0 };
  scoring.onWindow(() => windows.all++);
  scoring.onScores((batch, scores, thresholds) => {
    windows.scored++;
    for (let i = 0; i < batch.hosts.length; i++) {
      const row: ScoredWindow = { windowStart: batch.start, host: batch.hosts[i], score: scores[i], flagged: scores[i] > thresholds[i] };
      rows.push(row);
      index.set(`${batch.start} ${batch.hosts[i]}`, row);
    }
  });
  // Anomalies are emitted while their window is scored, before onScores sees it; keep their categories.
  const categories = new Map<string, string>();
  scoring.onAnomaly((a) => categories.set(`${a.window_start} ${a.host}`, a.category));
  const errors = await feedFiles([args.file as string], pipeline, 0, { maxInterfaces: o['capture.max-interfaces'] });
  pipeline.finish();
  for (const [key, category] of categories) {
    const row = index.get(key);
    if (row) row.category = category;
  }
  const report = evaluate(rows, labels);
  const warmup = windows.all - windows.scored;
  if (model === undefined && warmup > windows.scored) {
    log.warn(
      { windows: windows.all, warmup_windows: warmup, scored_windows: windows.scored, warmup_seconds: o['model.warmup'] },
      'most windows went to the warm-up of the online model, so the figures cover only the scored ones; train first (--train or --model.file) or lower --model.warmup',
    );
  }
  log.debug({ windows: report.windows, mode: trainFiles.length ? 'trained' : modelFile ? 'model file' : 'online' }, 'evaluation finished');
  const text = o.summary ? JSON.stringify(report) : formatReport(report);
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  return errors.length > 0 ? 1 : 0;
}
