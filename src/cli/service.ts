import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { AnomalyLog } from '../alerts/anomaly-log.js';
import { describeIncidentFeatures } from '../alerts/incidents.js';
import { queryAnomalies } from '../http/anomaly-query.js';
import { queryIncidents } from '../http/incident-query.js';
import { ScoresCsv } from '../alerts/scores-csv.js';
import { escapeHtml, warmupProgress, type LandingSection } from '../http/landing.js';
import type { CaptureState } from '../metrics/context.js';
import { createRegistry, CORE_COLLECTORS } from '../metrics/registry.js';
import { scoringCollector, type ModelView, type ScoringMetricsContext } from '../metrics/scoring-collector.js';
import { stateCollector, type StateView } from '../metrics/state-collector.js';
import { WindowTiming } from '../metrics/window-timing.js';
import { describeFeatures, describePeers } from '../model/anomaly.js';
import { loadDetectorModel } from '../model/detector-file.js';
import { workerFitter } from '../model/worker-fitter.js';
import { buildPipeline } from '../pipeline/build-pipeline.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import type { LiveCaptureOptions, LiveShards } from '../pipeline/live-shards.js';
import type { ShardedPipeline } from '../pipeline/sharded-pipeline.js';
import type { Scoring } from '../pipeline/scoring.js';
import type { OptionValues } from './options.js';
import { BUILD_DATE, REVISION, VERSION } from '../util/version.js';
import { ModelLifecycle } from './model-lifecycle.js';
import { checkOutputFile } from './paths.js';
import { StateKeeper } from './state-keeper.js';

/** A pipeline with its metrics, API, landing page and output files, as `run` and `replay` serve it. */
export interface Service {
  /** The pipeline. */
  pipeline: Pipeline;
  /** The scoring stages; undefined with --no-scoring. */
  scoring: Scoring | undefined;
  /** The capture workers feeding the pipeline's scoring, with --capture.workers above 1 (then packets go to its sink, not the pipeline's). */
  shards: ShardedPipeline | undefined;
  /** The live capture workers feeding the pipeline's scoring, for `run` with --capture.workers above 1 (the pipeline then sees no packet). */
  live: LiveShards | undefined;
  /** Registry with every collector. */
  registry: Registry;
  /** JSON API routes. */
  api: Record<string, (q: Record<string, unknown>) => unknown>;
  /** Landing-page sections. */
  sections: () => LandingSection[];
  /** Saves the model state and flushes and closes the anomaly log and the scores CSV. */
  close(): Promise<void>;
}

/** What the landing page shows instead of the model and anomalies with --no-scoring. */
const SCORING_OFF: LandingSection = { title: 'Model', html: '<p>Scoring is off (<code>--no-scoring</code>): traffic and flows are counted, hosts are not scored.</p>' };

/**
 * Builds the pipeline and everything that reads it; `source` says on the
 * landing page what is captured. With --no-scoring the pipeline only counts
 * traffic and flows: the scoring options are not read, the scoring metric
 * families are absent and /api/anomalies answers an empty list. With `paced`
 * input (live capture, paced replay) the model is refitted on a worker
 * thread, so that a fit never holds up packets or scrapes; otherwise fits
 * run in line, and a replay scores the same every time. `openOutputs`, when
 * given, wraps the opening of the output files (run: as the --run-as user).
 */
export async function createService(
  o: OptionValues,
  log: Logger,
  captures: (p: Pipeline) => readonly CaptureState[],
  source: () => string,
  paced: boolean,
  openOutputs: <T>(open: () => Promise<T>) => Promise<T> = (open) => open(),
  live?: LiveCaptureOptions,
): Promise<Service> {
  for (const [flag, path, example] of [['--scores-out', o['scores-out'], 'scores.csv'], ['--anomaly.log-file', o['anomaly.log-file'], 'anomalies.jsonl']] as const) {
    if (o.scoring && path !== undefined) checkOutputFile(flag, path, example);
  }
  const workers = o['capture.workers'];
  // Replay workers start first, so that their start-up (an isolate each, their modules) overlaps the model, pipeline and outputs here.
  // Loaded only for several workers, so that one-worker start-up stays as light as before.
  const sharded = workers > 1 && !live ? await import('../pipeline/sharded-pipeline.js') : undefined;
  const threads = sharded?.startShardThreads(o, workers);
  try {
    const modelFile = o['model.file'];
    const model = o.scoring && modelFile ? await loadDetectorModel(modelFile) : undefined;
    if (model) {
      const trainedAt = Number.isFinite(model.trainedAt) ? new Date(model.trainedAt * 1000).toISOString() : 'unknown';
      log.info({ file: modelFile, family: model.scorer.kind, features: model.scorer.nFeatures, rows: model.samples, threshold: Number(model.threshold.toFixed(4)), trained_at: trainedAt }, 'model loaded');
    }
    // With capture workers the main thread's own flow table and accumulator see no packet: a one-flow table spares their memory.
    const pipeline = buildPipeline(workers > 1 ? { ...o, 'flow.max': 1 } : o, { model });
    const scoring = pipeline.scoring;
    const outputs = scoring ? await openOutputs(() => scoringOutputs(o, log, scoring)) : undefined;
    if (scoring && outputs && paced) {
      scoring.detector.fitInBackground(outputs.ctx.model.timed(workerFitter()), (err) =>
        log.warn({ err: err.message }, 'model fit on the worker thread failed; fitting on the main thread from now on'),
      );
    }
    const shards = sharded && threads ? new sharded.ShardedPipeline(pipeline, o, threads) : undefined;
    const liveShards = workers > 1 && live ? new (await import('../pipeline/live-shards.js')).LiveShards(pipeline, o, workers, live) : undefined;
    const parallel = shards ?? liveShards;
    const base = { ...pipeline.metricsContext(() => captures(pipeline)), ...(parallel && { flows: parallel.flows, workers: parallel.workers }) };
    const registry = outputs ? createRegistry({ ...base, ...outputs.ctx }, [...CORE_COLLECTORS, scoringCollector, stateCollector]) : createRegistry(base, CORE_COLLECTORS);
    return {
      pipeline,
      scoring,
      shards,
      live: liveShards,
      registry,
      api: {
        anomalies: (q) => queryAnomalies(scoring?.ring, q),
        incidents: (q) => queryIncidents(scoring?.incidents, q),
      },
      sections: () => [captureSection(source(), captures(pipeline)), ...(scoring && outputs ? scoringSections(scoring, outputs.ctx.model) : [SCORING_OFF])],
      close: async () => {
        await shards?.close();
        await liveShards?.close();
        await outputs?.close();
      },
    };
  } catch (err) {
    await Promise.all(threads?.threads.map((t) => t.terminate()) ?? []);
    throw err;
  }
}

/**
 * Says what build is starting, once its listeners are up (so that a port in
 * use stays a one-line error); only services that run a while (live capture,
 * paced replay) call it, and a batch replay stays quiet.
 */
export function logStart(log: Logger): void {
  log.info({ version: VERSION, revision: REVISION, built: BUILD_DATE, node: process.version }, 'netscore starting');
}

/** Opens the outputs of `scoring` that the options ask for: the anomaly log and its log lines, the model state directory and the scores CSV. */
async function scoringOutputs(o: OptionValues, log: Logger, scoring: Scoring): Promise<{ ctx: ScoringMetricsContext & { model: ModelLifecycle; state?: StateView }; close(): Promise<void> }> {
  const logFile = o['anomaly.log-file'];
  const anomalyLog = logFile
    ? AnomalyLog.open(logFile, { maxBytes: o['anomaly.log-max-size'], onError: (msg) => log.error({ file: logFile }, msg) })
    : undefined;
  // The log lines' fields are built only when info lines are written (the level can change while running).
  scoring.onAnomaly((a) => {
    anomalyLog?.append(a);
    if (!log.isLevelEnabled('info')) return;
    log.info(
      {
        window: new Date(a.window_start * 1000).toISOString(),
        host: a.host,
        category: a.category,
        severity: a.severity,
        score: Number(a.score.toFixed(3)),
        top: describeFeatures(a.top_features),
        peers: describePeers(a.peers),
      },
      'anomaly',
    );
  });
  scoring.incidents.onEvent((event, i) => {
    anomalyLog?.append({ event: `incident_${event}`, ...i });
    if (!log.isLevelEnabled('info')) return;
    log.info(
      {
        id: i.id,
        start: new Date(i.start * 1000).toISOString(),
        end: new Date(i.end * 1000).toISOString(),
        windows: i.windows,
        hosts: i.hosts.join(', '),
        category: i.category,
        severity: i.severity,
        peak_score: Number(i.peak_score.toFixed(3)),
        top: describeIncidentFeatures(i.top_features),
        peers: describePeers(i.peers),
      },
      `incident ${event === 'open' ? 'opened' : event === 'close' ? 'closed' : 'updated'}`,
    );
  });
  const stateDir = o['model.state-dir'];
  const modelFile = o['model.file'];
  // A loaded model is fixed (never refitted), so there is no online state to keep.
  if (stateDir && modelFile) log.warn({ dir: stateDir, model: modelFile }, '--model.state-dir is ignored with --model.file: a loaded model is never retrained');
  const state = stateDir && !modelFile ? await StateKeeper.open(stateDir, scoring.detector, log) : undefined;
  if (state) scoring.onScores(() => state.afterWindow());
  const scoresPath = o['scores-out'];
  const scores = scoresPath ? await ScoresCsv.open(scoresPath) : undefined;
  if (scores) {
    scoring.onScores((batch, s, thresholds) => {
      for (let i = 0; i < batch.hosts.length; i++) scores.append(batch.start, batch.hosts[i], s[i], s[i] > thresholds[i]);
    });
  }
  // Made after the state is restored, so that a restored model is not logged as a new one.
  const model = new ModelLifecycle(scoring, log, {
    online: modelFile === undefined,
    warmupSeconds: o['model.warmup'],
    retrainIntervalSeconds: o['model.retrain-interval'],
  });
  const windowTiming = new WindowTiming();
  scoring.onWindow((_batch, seconds) => windowTiming.observe(seconds));
  return {
    ctx: { scoring, model, windowTiming, maxHosts: o['hosts.max'], logLinesLost: () => anomalyLog?.linesLost ?? 0, state },
    close: async () => {
      await state?.close();
      // What is still open ends with the input; its close lines go to the log before it closes.
      scoring.incidents.closeAll();
      await anomalyLog?.close();
      await scores?.close();
    },
  };
}

/** Capture status for the landing page. */
function captureSection(source: string, captures: readonly CaptureState[]): LandingSection {
  const rows = captures
    .map((c) => `<tr><td>${escapeHtml(c.iface)}</td><td class="${c.up ? 'up' : 'down'}">${c.up ? 'up' : 'down'}</td><td>${c.received}</td><td>${c.dropped + c.ifDropped}</td></tr>`)
    .join('');
  return { title: 'Capture', html: `<p>Source: ${escapeHtml(source)}</p><table><tr><th>Interface</th><th>Status</th><th>Received</th><th>Dropped</th></tr>${rows}</table>` };
}

/** Most incidents the landing page lists. */
const RECENT_INCIDENTS = 10;

/** Model state and incidents (open ones first, newest first) for the landing page. */
function scoringSections(scoring: Scoring, model: ModelView): LandingSection[] {
  const d = scoring.detector;
  const iso = (t: number) => new Date(t * 1000).toISOString();
  const incidents = scoring.incidents
    .list()
    .slice(0, RECENT_INCIDENTS)
    .map(
      (i) =>
        `<tr><td>${i.id}</td><td>${i.state}</td><td>${iso(i.start)}</td><td>${iso(i.end)}</td><td>${i.windows}</td><td>${escapeHtml(i.hosts.join(', '))}${i.hosts_truncated ? ', …' : ''}</td><td>${escapeHtml(i.category)}</td><td>${escapeHtml(i.severity)}</td><td>${i.peak_score.toFixed(3)}</td><td>${escapeHtml(describeIncidentFeatures(i.top_features))}</td><td>${escapeHtml(describePeers(i.peers))}</td></tr>`,
    )
    .join('');
  return [
    {
      title: 'Model',
      html: `${d.state === 'warming' ? warmupProgress(model) : ''}<p>State: <b>${d.state}</b>, generation ${d.generation}, trained on ${d.trainingSamples} host-windows, threshold ${Number.isFinite(d.threshold) ? d.threshold.toFixed(3) : 'n/a'}.</p>`,
    },
    {
      title: 'Incidents',
      html: incidents
        ? `<table><tr><th>Id</th><th>State</th><th>Start</th><th>End</th><th>Windows</th><th>Hosts</th><th>Category</th><th>Severity</th><th>Peak score</th><th>Top features (host baseline, population median)</th><th>Peers</th></tr>${incidents}</table>`
        : '<p>None.</p>',
    },
  ];
}
