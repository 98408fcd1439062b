import { createRequire } from 'node:module';
import type { collectDefaultMetrics as CollectDefaultMetrics, Registry as PromRegistry } from 'prom-client';
import { buildCollector } from './build-collector.js';
import { captureCollector } from './capture-collector.js';
import type { MetricsContext } from './context.js';
import { decodeCollector } from './decode-collector.js';
import { failureCollector } from './failure-collector.js';
import type { Family } from './family.js';
import { flowCollector } from './flow-collector.js';
import { trafficCollector } from './traffic-collector.js';
import { workerCollector } from './worker-collector.js';

// prom-client's index loads its push gateway (http, https), cluster aggregation and default
// metrics (with @opentelemetry/api) eagerly; a replay that serves nothing needs only the Registry.
// Its CommonJS files are required one by one (the package has no exports map that forbids it).
const require = createRequire(import.meta.url);
const Registry = require('prom-client/lib/registry') as typeof PromRegistry;

/** Default metrics that break the naming rules (gauges ending in `_total`). */
const LINT_FAILING_DEFAULTS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/** A function that contributes metric families; the collector registry below lists them. */
export type Collector<C> = (ctx: C) => Family[];

/** Collectors of the capture, decode and flow stages, in exposition order. */
export const CORE_COLLECTORS: readonly Collector<MetricsContext>[] = [
  buildCollector,
  trafficCollector,
  captureCollector,
  decodeCollector,
  flowCollector,
  failureCollector,
  workerCollector,
];

/**
 * Builds a fresh Registry with every family of `collectors`; the process default metrics are
 * added by `addDefaultMetrics` when the registry is served, or here when `defaults` is true.
 */
export function createRegistry<C>(ctx: C, collectors: readonly Collector<C>[], defaults = false): PromRegistry {
  const registry = new Registry();
  if (defaults) addDefaultMetrics(registry);
  for (const collect of collectors) for (const family of collect(ctx)) family.register(registry);
  return registry;
}

/**
 * Adds prom-client's process default metrics to `registry`, ahead of the families it already
 * holds (the exposition lists families in registration order, process metrics first); a second call adds nothing.
 */
export function addDefaultMetrics(registry: PromRegistry): void {
  if (registry.getSingleMetric('nodejs_version_info')) return;
  const collectDefaultMetrics = require('prom-client/lib/defaultMetrics') as typeof CollectDefaultMetrics;
  const own = registry.getMetricsAsArray();
  for (const metric of own) registry.removeSingleMetric(metric.name);
  collectDefaultMetrics({ register: registry });
  // prom-client names these gauges with a counter's `_total` suffix, which promtool rejects;
  // the same values are exposed without the suffix (nodejs_active_handles and friends).
  for (const name of LINT_FAILING_DEFAULTS) registry.removeSingleMetric(name);
  for (const metric of own) registry.registerMetric(metric as never);
}
