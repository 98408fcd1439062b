import type { DetectorModel } from '../model/detector.js';
import type { PipelineConfig } from '../pipeline/pipeline.js';
import type { OptionValues } from './options.js';

/** Maps option values onto the pipeline's settings; `model` is a loaded model to score with. */
export function pipelineConfig(o: OptionValues, model?: DetectorModel): PipelineConfig {
  return {
    flowMax: o['flow.max'] as number,
    maxDepth: o['decode.max-depth'] as number,
    timeouts: {
      tcp: o['flow.timeout.tcp'] as number,
      tcpClosed: o['flow.timeout.tcp-closed'] as number,
      udp: o['flow.timeout.udp'] as number,
      icmp: o['flow.timeout.icmp'] as number,
      other: o['flow.timeout.other'] as number,
      active: o['flow.timeout.active'] as number,
    },
    scoring: {
      windowSeconds: o.window as number,
      maxHosts: o['hosts.max'] as number,
      historySize: o['hosts.history'] as number,
      detector: {
        warmupSeconds: o['model.warmup'] as number,
        retrainIntervalSeconds: o['model.retrain-interval'] as number,
        reservoirSize: o['model.reservoir-size'] as number,
        family: o['model.kind'] as string,
        seed: o['model.seed'] as number,
        falseAlarmRate: o['model.false-alarm-rate'] as number | undefined,
        maxAnomaliesPerWindow: o['anomaly.max-per-window'] as number,
      },
      model,
      ringSize: o['anomaly.ring-size'] as number,
      topK: o['anomaly.top-k'] as number,
      holdSeconds: o['anomaly.hold'] as number,
    },
  };
}
