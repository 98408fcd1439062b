import { Family } from './family.js';

/** What the state collector reads: the keeper of --model.state-dir. */
export interface StateView {
  /** Saves that failed. */
  readonly failures: number;
  /** Time of the last successful save, seconds since the epoch (0 before one). */
  readonly lastSave: number;
}

/** Families of the model state directory, present when --model.state-dir is set. */
export function stateCollector(ctx: { state?: StateView }): Family[] {
  const state = ctx.state;
  if (state === undefined) return [];
  return [
    new Family('netscore_model_state_dir_save_failures_total', 'Saves of the model state directory that failed; the previous state stays on disk.', 'counter',
      () => [{ labels: {}, value: state.failures }]),
    new Family('netscore_model_state_dir_last_save_timestamp_seconds', 'Time of the last successful save of the model state directory, in seconds since the epoch (0 before one).', 'gauge',
      () => [{ labels: {}, value: state.lastSave }]),
  ];
}
