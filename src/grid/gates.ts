/**
 * The gates a method table must pass before it says anything about the method (issue 13), and
 * the verdict on rekd > moco when it does, per condition of the table (per student):
 * - G1: the teacher's kNN top-1 is at least 5 points above the student's own MoCo kNN top-1;
 * - G2: the student's MoCo linear top-1 is at least 3 points above both the raw-pixel probe and
 *   the untrained student.
 * All values are means over seeds (floors and teacher averaged per seed first).
 */
import { overSeeds, pairedDifference, type Condition, type MethodTable } from './aggregate.ts';
import { differenceText, metricName, percentSummary, points } from './format.ts';
import { BASELINE_METHOD, CLAIMED_METHOD } from './methods.ts';
import type { ResultRow, Top1 } from './rows.ts';
import { valuesToDecide } from './stats.ts';

export const G1_POINTS = 0.05;
export const G2_POINTS = 0.03;
/** A margin this close to 0 is 0: top-1 fractions like 0.85 - 0.80 do not subtract exactly. */
const TOLERANCE = 1e-9;

export type GateStatus = 'PASS' | 'FAIL' | 'not applicable';

export interface Gate {
  name: 'G1' | 'G2';
  status: GateStatus;
  /** The values, the difference and the margin; or why the gate does not apply. */
  detail: string;
  /** The difference minus the bar, as a fraction (positive: passed by that much). */
  margin?: number;
}

export type VerdictOutcome = 'holds' | 'does not hold' | 'cannot be decided' | 'none';

export interface Verdict {
  outcome: VerdictOutcome;
  detail: string;
}

export interface ConditionGates {
  /** The condition (student), or null for the whole grid when it has no moco cell. */
  label: string | null;
  gates: [Gate, Gate];
  /** Present when the condition has both rekd and moco cells. */
  verdict?: Verdict;
}

const notApplicable = (name: Gate['name'], detail: string): Gate => ({ name, status: 'not applicable', detail });
const judged = (name: Gate['name'], margin: number, detail: string): Gate =>
  ({ name, status: margin >= -TOLERANCE ? 'PASS' : 'FAIL', detail: `${detail}: margin ${points(margin)} points`, margin });

function gateG1(condition: Condition, moco: readonly ResultRow[]): Gate {
  const student = overSeeds(moco, 'knn_top1');
  const teacher = overSeeds(condition.rows, 'teacher_knn_top1');
  if (!student) return notApplicable('G1', 'no complete moco cell with a kNN top-1');
  if (!teacher) return notApplicable('G1', 'no complete cell with a teacher (teacher.knn.top1 in eval.json)');
  const difference = teacher.mean - student.mean;
  return judged('G1', difference - G1_POINTS,
    `the teacher's kNN top-1 ${percentSummary(teacher)} is ${points(difference)} points above the student's MoCo kNN top-1 ` +
      `${percentSummary(student)}; needs ${points(G1_POINTS)}`);
}

function gateG2(condition: Condition, moco: readonly ResultRow[]): Gate {
  const student = overSeeds(moco, 'linear_top1');
  const pixels = overSeeds(condition.rows, 'pixels_linear_top1');
  const untrained = overSeeds(condition.rows, 'untrained_linear_top1');
  if (!student) return notApplicable('G2', 'no complete moco cell with a linear top-1');
  const missing = [...(pixels ? [] : ['the raw-pixel probe (floors.pixels.linear.top1)']), ...(untrained ? [] : ['the untrained floor (floors.untrained.linear.top1)'])];
  if (!pixels || !untrained) return notApplicable('G2', `no complete cell with ${missing.join(' or ')} in eval.json`);
  const abovePixels = student.mean - pixels.mean;
  const aboveUntrained = student.mean - untrained.mean;
  return judged('G2', Math.min(abovePixels, aboveUntrained) - G2_POINTS,
    `the student's MoCo linear top-1 ${percentSummary(student)} is ${points(abovePixels)} points above the raw-pixel probe ` +
      `${percentSummary(pixels)} and ${points(aboveUntrained)} above the untrained floor ${percentSummary(untrained)}; needs ${points(G2_POINTS)} above both`);
}

/**
 * rekd > moco from the 95% interval of the paired difference rekd - moco over seeds: holds when
 * it lies above 0 (low > 0), does not hold when it lies at or below 0 (high <= 0: the data rule
 * out any gain), cannot be decided when it has values on both sides (low <= 0 < high) or is
 * undefined (fewer than 2 seeds).
 */
export function verdictOf(rekd: readonly ResultRow[], moco: readonly ResultRow[], metric: Top1): Verdict {
  const { interval } = pairedDifference(rekd, moco, metric);
  const claim = `${CLAIMED_METHOD} > ${BASELINE_METHOD}`;
  const measured = `${metricName(metric)} ${CLAIMED_METHOD} - ${BASELINE_METHOD} ${differenceText(interval)}`;
  if (interval?.low === undefined || interval.high === undefined || interval.std === undefined) {
    return { outcome: 'cannot be decided', detail: `${claim} cannot be decided: ${measured}` };
  }
  if (interval.low > 0) return { outcome: 'holds', detail: `${claim} holds: ${measured}, above 0` };
  if (interval.high <= 0) return { outcome: 'does not hold', detail: `${claim} does not hold: ${measured}, at or below 0` };
  const seeds = valuesToDecide(interval.mean, interval.std);
  const decide = seeds === undefined ? 'no number of seeds would decide it at this difference'
    : `about ${seeds} seeds would decide it if the difference and its spread stayed as measured`;
  return { outcome: 'cannot be decided', detail: `${claim} cannot be decided: ${measured}, contains 0; ${decide}` };
}

/** G1, G2 and the verdict for every condition of the table (one line for the grid when it has no moco cell). */
export function gatesOf(table: MethodTable, verdictMetric: Top1): ConditionGates[] {
  if (!table.methods.includes(BASELINE_METHOD)) {
    const reason = `the grid has no ${BASELINE_METHOD} cell (the baseline both gates measure)`;
    return [{ label: null, gates: [notApplicable('G1', reason), notApplicable('G2', reason)] }];
  }
  return table.conditions.map((condition): ConditionGates => {
    const moco = condition.byMethod.get(BASELINE_METHOD);
    if (!moco) {
      const reason = `no ${BASELINE_METHOD} cell for this student`;
      return { label: condition.label, gates: [notApplicable('G1', reason), notApplicable('G2', reason)] };
    }
    const gates: [Gate, Gate] = [gateG1(condition, moco), gateG2(condition, moco)];
    const rekd = condition.byMethod.get(CLAIMED_METHOD);
    if (!rekd) return { label: condition.label, gates };
    const blocking = gates.filter((g) => g.status !== 'PASS');
    const verdict = blocking.length
      ? { outcome: 'none' as const, detail: `none: ${blocking.map((g) => `${g.name} ${g.status === 'FAIL' ? 'fails' : 'is not applicable'}`).join(' and ')}; no conclusion about the method is drawn` }
      : verdictOf(rekd, moco, verdictMetric);
    return { label: condition.label, gates, verdict };
  });
}

const where = (label: string | null): string => (label === null ? '' : ` (${label})`);

/** One line per gate and verdict, as the console and results.md print them. */
export function gateLines(results: readonly ConditionGates[]): string[] {
  return results.flatMap((r) => [
    ...r.gates.map((g) => `${g.name} ${g.status}${where(r.label)}: ${g.detail}`),
    ...(r.verdict ? [`verdict${where(r.label)}: ${r.verdict.detail}`] : []),
  ]);
}

/** The conditions whose gates fail, each named with the failing gates: what a table says first. */
export function gateFailures(results: readonly ConditionGates[]): string[] {
  return results.flatMap((r) => {
    const failed = r.gates.filter((g) => g.status === 'FAIL').map((g) => g.name);
    return failed.length ? [`${failed.join(' and ')} ${failed.length > 1 ? 'fail' : 'fails'}${where(r.label)}: no conclusion about the method is drawn from this table.`] : [];
  });
}
