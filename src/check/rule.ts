/**
 * The rule interfaces. A rule is one check with one stable code, and reports that code only (its
 * `report` takes no other); the code's severity and title are in the code table. Rules of a kind
 * run in the same pass: the program rule on every file with its imports, file rules on the AST,
 * tree rules on each block of an experiment's merged configuration tree (bound to its catalog
 * spec), experiment rules on the resolved experiment.
 */
import type { FileNode } from '../ast/nodes.ts';
import type { FixedCode } from '../diagnostics/codes.ts';
import type { Report } from '../diagnostics/diagnostic.ts';
import type { Span } from '../diagnostics/span.ts';
import type { BlockSpec, SlotSpec } from '../schema/catalog.ts';
import type { ResolvedExperiment } from '../schema/types.generated.ts';
import type { TreeBlock } from '../tree/tree.ts';

export interface ProgramRule<C extends FixedCode = FixedCode> {
  code: C;
  checkProgram(files: readonly FileNode[], report: Report<C>): void;
}

export interface FileRule<C extends FixedCode = FixedCode> {
  code: C;
  checkFile(file: FileNode, report: Report<C>): void;
}

/** One block of the tree with what the catalog knows about it (null: unknown to the catalog). */
export interface BlockVisit {
  block: TreeBlock;
  /** The block's spec, null when its name or kind is unknown. */
  spec: BlockSpec | null;
  /** The slot it fills in its parent; null for the experiment itself and unknown blocks. */
  slot: SlotSpec | null;
  /** Words naming it in messages: `experiment 'quickstart'`, `relation rekd`, `augment weak`. */
  label: string;
}

export interface TreeRule<C extends FixedCode = FixedCode> {
  code: C;
  /** Reports what is missing, so it is skipped when syntax errors may have dropped members. */
  completeness?: true;
  checkBlock(visit: BlockVisit, report: Report<C>): void;
}

export interface ExperimentContext {
  experiment: ResolvedExperiment;
  /** The span that wrote `path` (`loss.relation`, `teacher.embed`), or its nearest written parent. */
  spanOf(path: string): Span;
  /** True when `path` was written (in a file or by an override), false when a default filled it. */
  written(path: string): boolean;
}

export interface ExperimentRule<C extends FixedCode = FixedCode> {
  code: C;
  checkExperiment(context: ExperimentContext, report: Report<C>): void;
}
