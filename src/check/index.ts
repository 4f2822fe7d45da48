/** Runs the rules of each pass. */
import type { FileNode } from '../ast/nodes.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { Span } from '../diagnostics/span.ts';
import type { ProvenanceMap, TreeBlock } from '../tree/tree.ts';
import type { ResolvedExperiment } from '../schema/types.generated.ts';
import { EXPERIMENT_RULES, FILE_RULES, TREE_RULES, duplicateDeclaration } from './rules.ts';
import { walkTree } from './walk.ts';

export function checkFiles(files: readonly FileNode[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const report = (d: Diagnostic) => out.push(d);
  duplicateDeclaration.checkProgram(files, report);
  for (const file of files) for (const rule of FILE_RULES) rule.checkFile(file, report);
  return out;
}

/** `partial`: the program has syntax errors, so rules about missing members would mislead. */
export function checkTree(tree: TreeBlock, partial = false): Diagnostic[] {
  const out: Diagnostic[] = [];
  walkTree(tree, partial ? TREE_RULES.filter((r) => !r.completeness) : TREE_RULES, (d) => out.push(d));
  return out;
}

export function checkExperiment(experiment: ResolvedExperiment, provenance: ProvenanceMap, fallback: Span): Diagnostic[] {
  const spanOf = (path: string): Span => {
    for (let p = path; p; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '') {
      const span = provenance.get(p)?.span;
      if (span) return span;
    }
    return fallback;
  };
  const out: Diagnostic[] = [];
  const written = (path: string): boolean => (provenance.get(path)?.source ?? 'default') !== 'default';
  for (const rule of EXPERIMENT_RULES) rule.checkExperiment({ experiment, spanOf, written }, (d) => out.push(d));
  return out;
}
