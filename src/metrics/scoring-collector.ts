import { describeIncidentFeatures } from '../alerts/incidents.js';
import { CATEGORIES, describeFeatures, describePeers, SEVERITIES } from '../model/anomaly.js';
import { Family, histogramSamples, type Sample } from './family.js';
import { SCORE_BUCKETS, type ScoringView } from './scoring-view.js';
import type { WindowTiming } from './window-timing.js';

/** How the model learns, and how far its warm-up has got. */
export interface ModelView {
  /** True when the model learns online (warm-up, then a refit every retrain interval); false for a fixed --model.file. */
  readonly online: boolean;
  /** Traffic time between online refits (--model.retrain-interval), in seconds. */
  readonly retrainIntervalSeconds: number;
  /** Traffic time the warm-up needs (--model.warmup), in seconds; 0 for a fixed model. */
  readonly warmupSeconds: number;
  /** Traffic time learnt so far toward the first model, in seconds; warmupSeconds once it scores. */
  readonly warmupLearntSeconds: number;
}

/** Inputs of the scoring collector. */
export interface ScoringMetricsContext {
  /** The scoring stages. */
  scoring: ScoringView;
  /** Learning mode and warm-up. */
  model: ModelView;
  /** Durations of window closes. */
  windowTiming: WindowTiming;
  /** Host cap per window (--hosts.max). */
  maxHosts: number;
  /** Anomaly-log lines that could not be written. */
  logLinesLost: () => number;
}

/** Admission filters of the cross-window tables, as the `table` label names them. */
const ADMISSION = ['pairs', 'services', 'hosts'] as const;

/** Stats of `netscore_window_feature`, in featureStats order. */
const STATS = ['p50', 'p99', 'max'] as const;

/** One sample per (severity, category), every combination present from start. */
function perCategory(value: (severity: (typeof SEVERITIES)[number], category: (typeof CATEGORIES)[number]) => number): Sample[] {
  return SEVERITIES.flatMap((severity) => CATEGORIES.map((category) => ({ labels: { category, severity }, value: value(severity, category) })));
}

/** Families of the features, model and anomaly stages. */
export function scoringCollector(ctx: ScoringMetricsContext): Family[] {
  const s = ctx.scoring;
  const gauge = (name: string, help: string, value: () => number) => new Family(name, help, 'gauge', () => [{ labels: {}, value: value() }]);
  return [
    gauge('netscore_hosts_tracked', 'Source hosts tracked in the current window.', () => s.windows.trackedHosts),
    gauge('netscore_hosts_max', 'Most source hosts tracked per window (--hosts.max); the least active are not tracked beyond it.', () => ctx.maxHosts),
    new Family('netscore_hosts_untracked_total', 'Source hosts not tracked because the per-window host cap was full.', 'counter', () => [
      { labels: {}, value: s.windows.untrackedHosts },
    ]),
    new Family('netscore_host_baselines_evicted_total', 'Hosts whose per-host baseline was forgotten because the table was full (--hosts.max).', 'counter', () => [{ labels: {}, value: s.hostDeviation.evicted }]),
    new Family('netscore_host_history_evicted_total', 'Entries (hosts, host services, destination services) the host history forgot because its table was full (--hosts.history).', 'counter', () => [{ labels: {}, value: s.windows.history.evicted }]),
    new Family('netscore_history_held_back_total', 'First sightings held back from the cross-window tables by their admission filter (--hosts.doorkeeper), by table: a host-destination pair (regularity) or host service (beacons, host history) at its first flow start, a host at its first service; each enters at its second.', 'counter', () =>
      ADMISSION.map((table) => ({ labels: { table }, value: s.windows.admission[table].heldBack })),
    ),
    new Family('netscore_history_first_sightings_overwritten_total', 'First sightings an admission filter dropped for a newer one because their set was full (--hosts.doorkeeper), by table; such a key is held back again when next seen, so it enters its table a sighting later.', 'counter', () =>
      ADMISSION.map((table) => ({ labels: { table }, value: s.windows.admission[table].overwritten })),
    ),
    new Family('netscore_windows_scored_total', 'Host-windows scored by the model.', 'counter', () => [{ labels: {}, value: s.windowsScored }]),
    new Family('netscore_anomaly_score', 'Distribution of the anomaly scores of scored host-windows (Isolation Forest score, 0 to 1).', 'histogram', () =>
      histogramSamples({}, SCORE_BUCKETS, s.scoreBuckets, s.scoreSum),
    ),
    new Family('netscore_anomalies_total', 'Host-windows flagged as anomalous, by severity and category.', 'counter', () => {
      const out: Sample[] = [];
      for (const [i, severity] of SEVERITIES.entries()) {
        for (const [j, category] of CATEGORIES.entries()) out.push({ labels: { severity, category }, value: s.anomalies[i * CATEGORIES.length + j] });
      }
      return out;
    }),
    new Family('netscore_anomalies_suppressed_total', 'Host-windows above the threshold that were not reported (log, API, top-k) because their window already had --anomaly.max-per-window anomalies.', 'counter',
      () => [{ labels: {}, value: s.detector.suppressed }]),
    new Family('netscore_anomalies_one_sided_total', 'Host-windows above the threshold that were not flagged because the host sent fewer than --anomaly.min-one-sided-packets packets and got nothing back.', 'counter',
      () => [{ labels: {}, value: s.detector.oneSided }]),
    new Family('netscore_model_state', 'Lifecycle state of the model: 1 for the current state (warming or scoring), 0 otherwise.', 'gauge', () =>
      (['warming', 'scoring'] as const).map((state) => ({ labels: { state }, value: s.detector.state === state ? 1 : 0 })),
    ),
    gauge('netscore_model_online', 'Whether the model learns online (1: warms up on live traffic, then refits every --model.retrain-interval) or is fixed (0: loaded with --model.file, never refitted).', () =>
      ctx.model.online ? 1 : 0,
    ),
    gauge('netscore_model_retrain_interval_seconds', 'Traffic time between refits of an online model (--model.retrain-interval), in seconds.', () => ctx.model.retrainIntervalSeconds),
    gauge('netscore_model_warmup_seconds', 'Traffic time an online model learns from before it scores (--model.warmup), in seconds; 0 for a fixed model.', () => ctx.model.warmupSeconds),
    gauge('netscore_model_warmup_learnt_seconds', 'Traffic time the online model has learnt from toward its first fit, in seconds; equal to netscore_model_warmup_seconds once it scores.', () =>
      ctx.model.warmupLearntSeconds,
    ),
    gauge('netscore_model_generation', 'Models trained or loaded so far (0 while warming up).', () => s.detector.generation),
    gauge('netscore_model_last_trained_timestamp_seconds', 'Packet time of the traffic the current model was fitted on, in seconds since the epoch (0 before the first model): the last refit for an online model, the end of its training capture for a fixed one.', () =>
      Number.isFinite(s.detector.lastTrainedAt) ? s.detector.lastTrainedAt : 0,
    ),
    gauge('netscore_model_training_samples', 'Host-windows the current model was trained on.', () => s.detector.trainingSamples),
    gauge('netscore_model_threshold', 'Score above which a host-window is flagged (0 while warming up).', () =>
      Number.isFinite(s.detector.threshold) ? s.detector.threshold : 0,
    ),
    ctx.windowTiming.family(),
    new Family('netscore_window_feature', 'Aggregates of each feature over the hosts of the last closed window: median (p50), 99th percentile (p99) and maximum.', 'gauge', () => {
      const out: Sample[] = [];
      for (const [f, feature] of s.featureNames.entries()) {
        for (const [k, stat] of STATS.entries()) out.push({ labels: { feature, stat }, value: s.featureStats[f * 3 + k] });
      }
      return out;
    }),
    new Family(
      'netscore_top_host_anomaly_score',
      'Score of the most anomalous hosts flagged recently (capped top-k), with the category, severity, top features and peers (the destinations and ports it sent most packets to) of their latest anomaly.',
      'gauge',
      () =>
        s.top.entries().map((e) => ({
          labels: {
            host: e.host,
            category: e.category,
            severity: e.severity,
            top_features: describeFeatures(e.top_features),
            peers: describePeers(e.peers),
          },
          value: e.score,
        })),
    ),
    new Family('netscore_incidents_open', 'Open incidents (related flagged host-windows merged), by category and severity.', 'gauge', () => {
      const open = s.incidents.ranked(0).filter((i) => i.state === 'open');
      return perCategory((severity, category) => open.filter((i) => i.severity === severity && i.category === category).length);
    }),
    new Family('netscore_incidents_total', 'Incidents closed, by their final category and severity.', 'counter', () =>
      perCategory((severity, category) => s.incidents.closedCounts[SEVERITIES.indexOf(severity) * CATEGORIES.length + CATEGORIES.indexOf(category)]),
    ),
    new Family('netscore_incidents_evicted_total', 'Incidents evicted from a full table: open ones closed early because --incident.max-open were open, closed ones forgotten because --incident.max-closed were kept.', 'counter', () => [
      { labels: { table: 'open' }, value: s.incidents.closedEarly },
      { labels: { table: 'closed' }, value: s.incidents.forgotten },
    ]),
    new Family(
      'netscore_top_incident_score',
      'Peak score of the most severe incidents open or closed within --anomaly.hold (capped at --anomaly.top-k, critical first), with the incident id, its first host, category and severity, its hosts, peers (the destinations and ports its hosts sent most packets to: the victims) and the top features of its peak window with that host\'s own baseline and the population median.',
      'gauge',
      () =>
        s.incidents
          .ranked(s.top.holdSeconds)
          .slice(0, s.top.k)
          .map((i) => ({
            labels: {
              incident: String(i.id),
              host: i.hosts[0],
              category: i.category,
              severity: i.severity,
              hosts: `${i.hosts.join(', ')}${i.hosts_truncated ? ', …' : ''}`,
              peers: describePeers(i.peers),
              top_features: describeIncidentFeatures(i.top_features),
            },
            value: i.peak_score,
          })),
    ),
    gauge('netscore_incident_baseline_hosts', 'Hosts whose own baseline (mean of their recent unflagged windows) is kept to explain incidents.', () => s.baselines.size),
    new Family('netscore_incident_baseline_hosts_evicted_total', 'Hosts whose own baseline was dropped because --incident.baseline-hosts were kept.', 'counter', () => [
      { labels: {}, value: s.baselines.evicted },
    ]),
    new Family('netscore_anomaly_log_lines_lost_total', 'Anomaly-log lines that could not be written (disk full, permissions); each loss is also logged.', 'counter', () => [
      { labels: {}, value: ctx.logLinesLost() },
    ]),
  ];
}
