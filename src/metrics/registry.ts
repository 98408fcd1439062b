import { collectDefaultMetrics, Registry } from 'prom-client';
import { buildCollector } from './build-collector.js';
import { captureCollector } from './capture-collector.js';
import type { MetricsContext } from './context.js';
import { decodeCollector } from './decode-collector.js';
import { failureCollector } from './failure-collector.js';
import type { Family } from './family.js';
import { flowCollector } from './flow-collector.js';
import { trafficCollector } from './traffic-collector.js';
import { workerCollector } from './worker-collector.js';

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

/** Builds a fresh Registry with the process default metrics and every family of `collectors`. */
export function createRegistry<C>(ctx: C, collectors: readonly Collector<C>[], defaults = true): Registry {
  const registry = new Registry();
  if (defaults) {
    collectDefaultMetrics({ register: registry });
    // prom-client names these gauges with a counter's `_total` suffix, which promtool rejects;
    // the same values are exposed without the suffix (nodejs_active_handles and friends).
    for (const name of LINT_FAILING_DEFAULTS) registry.removeSingleMetric(name);
  }
  for (const collect of collectors) for (const family of collect(ctx)) family.register(registry);
  return registry;
}
