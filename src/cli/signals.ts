import type { Logger } from 'pino';

/**
 * Signals that end netscore. Each goes through the same shutdown: capture
 * stops, the pipeline finishes, the anomaly log, scores CSV and model state
 * are flushed. (SIGPROF stays V8's profiler's; SIGUSR1 is ignored from
 * start-up, see disableInspectorSignal.)
 */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGQUIT', 'SIGALRM', 'SIGVTALRM', 'SIGXCPU', 'SIGPWR'] as const;

/**
 * Routes every signal whose default action would end netscore: those of
 * STOP_SIGNALS to `stop`, those of `ignored` to one log line each, so that no
 * signal ends the process without the shutdown. Returns the function that
 * removes the handlers again.
 */
export function onSignals(log: Logger, stop: (signal: NodeJS.Signals) => void, ignored: readonly NodeJS.Signals[]): () => void {
  const ignore = (signal: NodeJS.Signals) => log.info({ signal }, 'signal ignored');
  for (const s of STOP_SIGNALS) process.on(s, stop);
  for (const s of ignored) process.on(s, ignore);
  return () => {
    for (const s of STOP_SIGNALS) process.off(s, stop);
    for (const s of ignored) process.off(s, ignore);
  };
}
