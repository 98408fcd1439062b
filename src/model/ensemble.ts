import { Calibration, type CalibrationDoc } from './calibration.js';
import { check, ModelDocError, quote } from './model-doc.js';
import type { FitJob, ModelFamily, Scorer } from './types.js';

/** Kind of the ensemble model family. */
export const ENSEMBLE_KIND = 'ensemble';

/** Mean surprise (nats) that maps to a score of 1 − 1/e. */
const SURPRISE_SCALE = 16;

/** A member of an ensemble as JSON data: its family's kind, its scorer's data and its calibration. */
export interface EnsembleMemberDoc {
  /** Kind of the member's family. */
  readonly kind: string;
  /** The member scorer's toDoc data. */
  readonly body: unknown;
  /** How its scores map to surprise. */
  readonly calibration: CalibrationDoc;
}

/** An ensemble as JSON data. */
export interface EnsembleDoc {
  /** The members, in the order their surprises are summed. */
  readonly members: readonly EnsembleMemberDoc[];
}

/** A fitted member: its scorer and the calibration of its benign training scores. */
interface Member {
  readonly scorer: Scorer;
  readonly calibration: Calibration;
}

/**
 * Scores a row by the mean surprise S of its members' calibrated scores
 * (−ln of the share of benign training rows that the member scored higher,
 * see Calibration), mapped to 1 − e^(−S/SURPRISE_SCALE): in [0, 1], higher
 * is more anomalous. Nearly linear in S where thresholds lie (S about 10 for
 * a tail share of 1/8640), so an exponential tail of S stays one in the
 * score and alertThreshold's extrapolation keeps its meaning.
 * Members agree on one scale whatever their own score ranges, and a member
 * that sees a row as far out in its tail raises the score even where the
 * others see nothing.
 */
export class EnsembleScorer implements Scorer {
  /** The ensemble family's kind. */
  readonly kind = ENSEMBLE_KIND;

  /** @param members fitted members, all on rows of the same width. */
  constructor(private readonly members: readonly Member[]) {
    if (members.length === 0) throw new RangeError('an ensemble needs at least one member');
    if (members.some((m) => m.scorer.nFeatures !== members[0].scorer.nFeatures)) throw new RangeError('ensemble members score rows of different widths');
  }

  /** Values per row. */
  get nFeatures(): number {
    return this.members[0].scorer.nFeatures;
  }

  /** Scores the first n rows of a row-major array. */
  scoreMany(rows: Float64Array, n: number): Float64Array {
    const sum = new Float64Array(n);
    for (const { scorer, calibration } of this.members) {
      const scores = scorer.scoreMany(rows, n);
      for (let r = 0; r < n; r++) sum[r] += calibration.surprise(scores[r]);
    }
    const k = this.members.length;
    for (let r = 0; r < n; r++) {
      const s = sum[r] / k;
      sum[r] = 1 - Math.exp(-s / SURPRISE_SCALE);
    }
    return sum;
  }

  /** Members' kinds, scorer data and calibrations as JSON data. */
  toDoc(): EnsembleDoc {
    return { members: this.members.map(({ scorer, calibration }) => ({ kind: scorer.kind, body: scorer.toDoc(), calibration: calibration.toDoc() })) };
  }
}

/**
 * The ensemble family over the given member kinds, which `lookup` resolves to
 * families when fitting and reading. A member is any family: a scorer of
 * per-host deviation joins as a family whose scorer reads the per-host
 * columns of the rows, by adding its kind to the member list.
 */
export function ensembleFamily(members: readonly string[], lookup: (kind: string) => ModelFamily): ModelFamily {
  return {
    kind: ENSEMBLE_KIND,
    fit(job: FitJob): Scorer {
      return new EnsembleScorer(
        members.map((kind) => {
          const scorer = lookup(kind).fit({ ...job, family: kind });
          return { scorer, calibration: Calibration.fit(scorer.scoreMany(job.vectors, job.rows)) };
        }),
      );
    },
    fromDoc(doc, nFeatures) {
      check(typeof doc === 'object' && doc !== null, 'model body is not an object');
      const list = (doc as Record<string, unknown>).members;
      check(Array.isArray(list) && list.length > 0, 'members is not a non-empty list');
      return new EnsembleScorer(
        list.map((raw: unknown, i: number) => {
          check(typeof raw === 'object' && raw !== null, `member ${i} is not an object`);
          const m = raw as Record<string, unknown>;
          check(typeof m.kind === 'string' && m.kind !== ENSEMBLE_KIND, `member ${i} kind ${quote(m.kind)} is not a model family's name`);
          let family: ModelFamily;
          try {
            family = lookup(m.kind);
          } catch (error) {
            throw new ModelDocError(`member ${i}: ${(error as Error).message}`, { cause: error });
          }
          return { scorer: family.fromDoc(m.body, nFeatures), calibration: Calibration.fromDoc(m.calibration, `member ${i} calibration`) };
        }),
      );
    },
  };
}
