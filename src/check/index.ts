/** Runs the rules of each pass; every rule reports into the caller's `report`. */
import type { FileNode } from '../ast/nodes.ts';
import type { Report } from '../diagnostics/diagnostic.ts';
import type { Span } from '../diagnostics/span.ts';
import type { ProvenanceMap, TreeBlock } from '../tree/tree.ts';
import type { ResolvedExperiment } from '../schema/types.generated.ts';
import { EXPERIMENT_RULES, FILE_RULES, PROGRAM_RULES, TREE_RULES } from './rules.ts';
import { walkTree } from './walk.ts';

export function checkFiles(files: readonly FileNode[], report: Report): void {
  for (const rule of PROGRAM_RULES) rule.checkProgram(files, report);
  for (const file of files) for (const rule of FILE_RULES) rule.checkFile(file, report);
}

/** `partial`: the program has syntax errors, so rules about missing members would mislead. */
export function checkTree(tree: TreeBlock, partial: boolean, report: Report): void {
  walkTree(tree, partial ? TREE_RULES.filter((r) => !r.completeness) : TREE_RULES, report);
}

export function checkExperiment(experiment: ResolvedExperiment, provenance: ProvenanceMap, fallback: Span, report: Report): void {
  const spanOf = (path: string): Span => {
    for (let p = path; p; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') {
      const span = provenance.get(p)?.span;
      if (span) return span;
    }
    return fallback;
  };
  const written = (path: string): boolean => (provenance.get(path)?.source ?? 'default') !== 'default';
  for (const rule of EXPERIMENT_RULES) rule.checkExperiment({ experiment, spanOf, written }, report);
}
