import type { DetectorModel } from '../model/detector.js';
import type { PipelineConfig } from '../pipeline/pipeline.js';
import type { OptionValues } from './options.js';

/** Maps option values onto the pipeline's settings; `model` is a loaded model to score with. */
export function pipelineConfig(o: OptionValues, model?: DetectorModel): PipelineConfig {
  return {
    flowMax: o['flow.max'],
    maxDepth: o['decode.max-depth'],
    timeouts: {
      tcp: o['flow.timeout.tcp'],
      tcpClosed: o['flow.timeout.tcp-closed'],
      udp: o['flow.timeout.udp'],
      icmp: o['flow.timeout.icmp'],
      other: o['flow.timeout.other'],
      active: o['flow.timeout.active'],
    },
    scoring: {
      windowSeconds: o.window,
      maxHosts: o['hosts.max'],
      detector: {
        warmupSeconds: o['model.warmup'],
        retrainIntervalSeconds: o['model.retrain-interval'],
        reservoirSize: o['model.reservoir-size'],
        seed: o['model.seed'],
        falseAlarmRate: o['model.false-alarm-rate'],
        maxAnomaliesPerWindow: o['anomaly.max-per-window'],
      },
      model,
      ringSize: o['anomaly.ring-size'],
      topK: o['anomaly.top-k'],
      holdSeconds: o['anomaly.hold'],
    },
  };
}
