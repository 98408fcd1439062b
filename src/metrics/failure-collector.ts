import type { MetricsContext } from './context.js';
import { Family } from './family.js';

/** Pipeline stage failures. */
export function failureCollector(ctx: MetricsContext): Family[] {
  const { stages, counts } = ctx.failures;
  return [
    new Family(
      'netscore_stage_failures_total',
      'Exceptions thrown by a pipeline stage, by stage; each is logged with the packet it happened at and stops netscore with exit status 1.',
      'counter',
      () => stages.map((stage, i) => ({ labels: { stage }, value: counts[i] })),
    ),
  ];
}
