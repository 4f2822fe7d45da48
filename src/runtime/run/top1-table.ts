/**
 * The student's top-1 beside its untrained and raw-pixel floors and its teacher: one table model,
 * rendered as text by `rekdc run`'s summary and as markdown by report.md, so both show the same
 * columns and figures.
 */

/** The top-1 figures of the evaluation's probes, as eval.json holds them (train/evaluate.ts). */
export interface ProbeTop1 {
  linear?: { top1: number };
  knn?: { top1: number };
}

export interface EvaluationTop1 extends ProbeTop1 {
  floors?: { untrained?: ProbeTop1; pixels?: ProbeTop1 };
  teacher?: ProbeTop1;
}

export interface Top1Table {
  /** student, untrained, raw pixels, teacher: those with a figure in some row. */
  columns: string[];
  /** One per probe the student has; a cell is '' where its column has no such figure (a teacher has no linear probe). */
  rows: Array<{ probe: 'linear' | 'kNN'; cells: string[] }>;
}

const percent = (value: number | undefined): string => (value === undefined ? '' : `${(100 * value).toFixed(2)}%`);

export function top1Table(results: EvaluationTop1 | undefined): Top1Table {
  const candidates: Array<[string, ProbeTop1 | undefined]> = [
    ['student', results], ['untrained', results?.floors?.untrained], ['raw pixels', results?.floors?.pixels], ['teacher', results?.teacher],
  ];
  const probes = (['linear', 'knn'] as const).filter((probe) => results?.[probe] !== undefined);
  const shown = candidates.filter(([, figures]) => probes.some((probe) => figures?.[probe] !== undefined));
  return {
    columns: shown.map(([name]) => name),
    rows: probes.map((probe) => ({ probe: probe === 'knn' ? 'kNN' : 'linear', cells: shown.map(([, figures]) => percent(figures?.[probe]?.top1)) })),
  };
}
