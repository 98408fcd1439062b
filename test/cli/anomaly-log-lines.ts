// What the anomaly log file must hold, read from the process log: every anomaly and every incident event is logged once in each.
import { readFileSync } from 'node:fs';

/** Process-log lines (logfmt) that each have one anomaly-log line: `msg=anomaly`, and `msg="incident opened|updated|closed"`. */
export const loggedEvents = (stderr: string): number => stderr.split('\n').filter((l) => /msg=(anomaly( |$)|"incident (opened|updated|closed)")/.test(l)).length;

/** Whole JSON lines of an anomaly log file (a partly written line would fail to parse). */
export function logFileLines(file: string): unknown[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}
