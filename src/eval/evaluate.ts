import { rocAuc } from './auc.js';
import { expectedCategory } from './expected-category.js';

/** One (window, source host) pair as scored by netscore. */
export interface ScoredWindow {
  windowStart: number;
  host: string;
  score: number;
  flagged: boolean;
  category?: string;
}

/** Detection results for one attack type. */
export interface TypeResult {
  /** Scored attack pairs of this type. */
  windows: number;
  /** Of those, flagged. */
  detected: number;
  /** detected / windows (NaN without windows). */
  recall: number;
  /** Categories of the detected pairs and how often each was given. */
  categories: Record<string, number>;
  /** The category this type should raise (see expected-category.ts); absent for a type the map does not know. */
  expected?: string;
  /** Detected pairs given the expected category (0 without one). */
  named: number;
}

/** The outcome of evaluating scored host-windows against attack labels. */
export interface EvalReport {
  windowSeconds: number;
  /** All scored pairs. */
  windows: number;
  /** Pairs whose host is an attacker during its attack. */
  attackWindows: number;
  /** Pairs whose host is a victim during an attack (neither attack nor benign). */
  victimWindows: number;
  /** All other pairs. */
  benignWindows: number;
  benignFlagged: number;
  /** Flagged benign pairs per host, for finding what the false alarms are. */
  benignFlaggedByHost: Record<string, number>;
  /** benignFlagged / benignWindows. */
  falsePositiveRate: number;
  /** ROC AUC of attack against benign pairs, ties counting half. */
  auc: number;
  perType: Record<string, TypeResult>;
}

/** The labels file fields evaluation needs (netscore synth --labels writes a superset). */
export interface EvalLabels {
  evaluation: { window_s: number };
  attacks: { id: string; type: string; attacker_ip: string; victim_ips: string[]; start_ts: number; end_ts: number }[];
}

/**
 * Evaluates scored host-windows against labels. A pair is an attack pair of
 * type T when its host is the attacker of a T attack and its window
 * [start, start + window_s) shares time with the attack's [start_ts, end_ts]
 * (touching at the attack's last instant is not enough); a
 * victim's pairs during an attack are counted apart and left out of the
 * benign set; every other pair is benign. Windows in which an attacker sent
 * nothing have no row, so recall is over scored attack windows.
 */
export function evaluate(scored: readonly ScoredWindow[], labels: EvalLabels): EvalReport {
  const w = labels.evaluation.window_s;
  if (!(w > 0)) throw new RangeError(`labels evaluation.window_s must be positive, got ${w}`);
  // The window [start, start + w) and the attack share a stretch of time (an attack that ends as the window opens is not in it).
  const overlaps = (start: number, a: { start_ts: number; end_ts: number }) => start + w > a.start_ts && (start < a.end_ts || (start <= a.end_ts && a.start_ts === a.end_ts));
  const perType: Record<string, TypeResult> = {};
  for (const a of labels.attacks) {
    const expected = expectedCategory(a.type);
    perType[a.type] ??= { windows: 0, detected: 0, recall: NaN, categories: {}, ...(expected === undefined ? {} : { expected }), named: 0 };
  }
  const positives: number[] = [];
  const negatives: number[] = [];
  let victimWindows = 0;
  let benignFlagged = 0;
  const benignFlaggedByHost: Record<string, number> = {};
  for (const s of scored) {
    // A pair counts once per attack type it belongs to, and once in the AUC.
    const types = new Set(labels.attacks.filter((a) => a.attacker_ip === s.host && overlaps(s.windowStart, a)).map((a) => a.type));
    if (types.size > 0) {
      positives.push(s.score);
      for (const t of types) {
        const r = perType[t];
        r.windows++;
        if (!s.flagged) continue;
        r.detected++;
        const c = s.category ?? 'uncategorized';
        r.categories[c] = (r.categories[c] ?? 0) + 1;
        if (c === r.expected) r.named++;
      }
    } else if (labels.attacks.some((a) => a.victim_ips.includes(s.host) && overlaps(s.windowStart, a))) {
      victimWindows++;
    } else {
      negatives.push(s.score);
      if (s.flagged) {
        benignFlagged++;
        benignFlaggedByHost[s.host] = (benignFlaggedByHost[s.host] ?? 0) + 1;
      }
    }
  }
  for (const r of Object.values(perType)) r.recall = r.windows > 0 ? r.detected / r.windows : NaN;
  return {
    windowSeconds: w,
    windows: scored.length,
    attackWindows: positives.length,
    victimWindows,
    benignWindows: negatives.length,
    benignFlagged,
    benignFlaggedByHost,
    falsePositiveRate: negatives.length > 0 ? benignFlagged / negatives.length : NaN,
    auc: rocAuc(positives, negatives),
    perType,
  };
}
