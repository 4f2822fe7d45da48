/** Runs the rules of each pass; every rule reports into the caller's `report`. */
import type { FileNode } from '../ast/nodes.ts';
import type { Report } from '../diagnostics/diagnostic.ts';
import type { Span } from '../diagnostics/span.ts';
import type { ProvenanceMap, TreeBlock } from '../tree/tree.ts';
import type { ResolvedExperiment } from '../schema/types.generated.ts';
import { EXPERIMENT_RULES, FILE_RULES, PROGRAM_RULES, TREE_RULES } from './rules.ts';
import { walkTree } from './walk.ts';
import { guardInputs, pathAndParents, UnknownInput } from './inputs.ts';

export function checkFiles(files: readonly FileNode[], report: Report): void {
  for (const rule of PROGRAM_RULES) rule.checkProgram(files, report);
  for (const file of files) for (const rule of FILE_RULES) rule.checkFile(file, report);
}

/** `partial`: the program has syntax errors, so rules about missing members would mislead. */
export function checkTree(tree: TreeBlock, partial: boolean, report: Report): void {
  walkTree(tree, partial ? TREE_RULES.filter((r) => !r.completeness) : TREE_RULES, report);
}

/**
 * `unknown`: value paths in error (the experiment resolved from a tree with errors): the rules
 * reading any of them are skipped, every other rule runs.
 */
export function checkExperiment(experiment: ResolvedExperiment, provenance: ProvenanceMap, fallback: Span, report: Report,
  unknown: ReadonlySet<string> = new Set()): void {
  const spanOf = (path: string): Span => {
    for (const p of pathAndParents(path)) {
      const span = provenance.get(p)?.span;
      if (span) return span;
    }
    return fallback;
  };
  const written = (path: string): boolean => (provenance.get(path)?.source ?? 'default') !== 'default';
  const guarded = unknown.size ? guardInputs(experiment, unknown) : experiment;
  for (const rule of EXPERIMENT_RULES) {
    try {
      rule.checkExperiment({ experiment: guarded, spanOf, written }, report);
    } catch (error) {
      if (!(error instanceof UnknownInput)) throw error;
    }
  }
}
