import type { Logger } from 'pino';
import { StageError } from '../pipeline/stage-error.js';

/**
 * Reports why a command stopped early: a StageError as one error log line with
 * its context (stage, packet number, packet time, file or interface), the
 * stack at debug level; resolves to the exit status. Any other error is an
 * error of the command itself and is rethrown for main's one-line report.
 */
export function reportStageFailure(log: Logger, err: unknown): number {
  if (!(err instanceof StageError)) throw err;
  const cause = err.cause instanceof Error ? err.cause : new Error(String(err.cause));
  const source = err.file ?? (err.iface || undefined);
  log.error(
    { stage: err.stage, packet: err.packet, packet_time: new Date(err.ts * 1000).toISOString(), source, err: cause.message },
    'pipeline stage failed; stopped',
  );
  log.debug({ stack: cause.stack }, 'stack of the stage failure');
  return 1;
}
