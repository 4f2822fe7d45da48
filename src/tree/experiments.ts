/**
 * Declarations of a program and the merged tree of each experiment through `extends`
 * (unknown base RK0603 with did-you-mean, cycle RK0604).
 */
import type { AxesSetNode, ExperimentNode, FileNode, GridNode, Name } from '../ast/nodes.ts';
import { diagnostic, type Report } from '../diagnostics/diagnostic.ts';
import { didYouMean } from '../diagnostics/did-you-mean.ts';
import { EXPERIMENT } from '../schema/catalog.ts';
import { axesSetsOf } from './grid.ts';
import { mergeBlocks, treeFromBody, type TreeBlock } from './tree.ts';

export class Declarations {
  readonly experiments = new Map<string, ExperimentNode>();
  readonly grids = new Map<string, GridNode>();
  /** The axes sets grids `use`; an unknown one is RK0810's (unknown-axes-set). */
  readonly axesSets: ReadonlyMap<string, AxesSetNode>;
  private readonly trees = new Map<string, TreeBlock | null>();
  private readonly inProgress = new Set<string>();

  /** First declaration wins; duplicates are RK0701's (duplicate-declaration). */
  constructor(files: readonly FileNode[], private readonly report: Report) {
    for (const file of files) {
      for (const e of file.experiments) if (!this.experiments.has(e.name.text)) this.experiments.set(e.name.text, e);
      for (const g of file.grids) if (!this.grids.has(g.name.text)) this.grids.set(g.name.text, g);
    }
    this.axesSets = axesSetsOf(files);
  }

  /** The experiment named by `name` at `span`, or undefined after reporting RK0603. */
  lookup(name: Name, what: string): ExperimentNode | undefined {
    const found = this.experiments.get(name.text);
    if (!found) {
      const suggestion = didYouMean(name.text, this.experiments.keys());
      this.report(diagnostic('RK0603', `${what} '${name.text}' is not declared here or in an imported file`, name.span, { suggestion }));
    }
    return found;
  }

  /** The experiment's tree with its bases merged in; null after a reported `extends` cycle. */
  tree(node: ExperimentNode): TreeBlock | null {
    const name = node.name.text;
    if (this.trees.has(name)) return this.trees.get(name) ?? null;
    if (this.inProgress.has(name)) return null;
    this.inProgress.add(name);
    const own = treeFromBody(node.name, null, node.span, node.body, EXPERIMENT, 'file');
    let tree: TreeBlock | null = own;
    if (node.base) {
      const base = this.lookup(node.base, 'base experiment');
      if (base && this.inProgress.has(base.name.text)) {
        this.report(diagnostic('RK0604', `'${name}' extends itself through '${base.name.text}'`, node.base.span));
        tree = null;
      } else {
        // Without its base the experiment cannot be checked meaningfully: RK0603 says why.
        const baseTree = base ? this.tree(base) : null;
        tree = baseTree ? mergeBlocks(baseTree, own, EXPERIMENT) : null;
      }
    }
    this.inProgress.delete(name);
    this.trees.set(name, tree);
    return tree;
  }
}
