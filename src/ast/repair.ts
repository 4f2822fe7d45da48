/**
 * Repair of unclosed blocks by indentation. When a `}` is missing, the parser reads every later
 * member into the unclosed block and reports the error far away (often at the end of the file),
 * and each captured member then looks misplaced. Members that start on a later line at or left
 * of the column of the block that holds them are moved out to follow it, and one error names the
 * block that lacks its `}`.
 */
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.ts';
import type { BlockNode, BodyNode, FileNode } from './nodes.ts';

function misplacedFrom(block: BlockNode): number {
  return block.body.members.findIndex((m) => m.span.line > block.span.line && m.span.column <= block.span.column);
}

/**
 * A block whose '}' sits left of the block itself took its parent's '}': the block's own is the
 * one missing (`instance moco { ...` closed by the `}` aligned with `loss {`).
 */
function tookParentBrace(block: BlockNode): boolean {
  const close = block.body.close;
  return close !== null && close.line > block.span.line && close.column < block.span.column;
}

function repairBody(body: BodyNode, report: (d: Diagnostic) => void): void {
  for (let i = 0; i < body.members.length; i++) {
    const block = body.members[i];
    if (block.type !== 'block') continue;
    repairBody(block.body, report);
    const from = misplacedFrom(block);
    if (from === -1) continue;
    const moved = block.body.members.splice(from);
    const kept = block.body.members;
    const end = kept.length ? kept[kept.length - 1].span.end : block.body.span.start + 1;
    block.body.span = { ...block.body.span, end };
    block.span = { ...block.span, end };
    body.members.splice(i + 1, 0, ...moved);
    const culprit = kept.filter((m): m is BlockNode => m.type === 'block' && tookParentBrace(m)).pop();
    const unclosed = culprit ?? block;
    const before = culprit?.body.close?.line ?? moved[0].span.line;
    report(diagnostic('RK0105', `'${unclosed.name.text}' is not closed: a '}' is missing before line ${before}`, unclosed.name.span, {
      notes: [`the members from line ${moved[0].span.line} on are read by their indentation`],
    }));
  }
}

/** The innermost of the last blocks of `body` that took its parent's '}', if any. */
function lastTookParentBrace(body: BodyNode): BlockNode | undefined {
  const last = body.members[body.members.length - 1];
  if (last?.type !== 'block') return undefined;
  return lastTookParentBrace(last.body) ?? (tookParentBrace(last) ? last : undefined);
}

/** Repairs the file's experiments in place; returns one error per unclosed block found. */
export function repairUnclosedBlocks(file: FileNode): Diagnostic[] {
  const found: Diagnostic[] = [];
  for (const experiment of file.experiments) {
    repairBody(experiment.body, (d) => found.push(d));
    // An unclosed experiment whose last block took its '}': that block lacks its own.
    const culprit = experiment.body.close === null ? lastTookParentBrace(experiment.body) : undefined;
    if (culprit) {
      found.push(diagnostic('RK0105', `'${culprit.name.text}' is not closed: a '}' is missing before line ${culprit.body.close!.line}`,
        culprit.name.span, { notes: [`the '}' on line ${culprit.body.close!.line} is aligned with an outer block`] }));
    }
  }
  return found;
}
