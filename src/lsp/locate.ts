/** What the name or value at an offset of a parsed file is, with the catalog entry that describes it. */
import type { BodyNode, FileNode, ImportNode, Name, PathNode, ValueNode } from '../ast/nodes.ts';
import type { Span } from '../diagnostics/span.ts';
import { EXPERIMENT, type AttributeSpec, type BlockSpec, type SlotSpec } from '../schema/catalog.ts';
import { childBlock, pathMember } from './spec-context.ts';

export type Located =
  | { type: 'import'; node: ImportNode }
  /** The base an experiment `extends` or a grid is `of`. */
  | { type: 'base'; name: Name }
  | { type: 'declaration'; name: Name; what: 'experiment' | 'grid' }
  | { type: 'block'; name: Name; slot: SlotSpec | null }
  | { type: 'kind'; name: Name; spec: BlockSpec | null }
  /** An attribute's name or value; `experiment` and `path` find its resolved value (null in a grid). */
  | { type: 'attribute'; name: Name; attribute: AttributeSpec | null; value: ValueNode | null; experiment: string | null; path: string }
  | { type: 'path'; name: Name; member: ReturnType<typeof pathMember> };

const inside = (span: Span, offset: number): boolean => span.start <= offset && offset <= span.end;

/** The kind a value names when an attribute sets a kinded slot by its kind alone (`student = alexnet`). */
function kindValue(slot: SlotSpec, value: ValueNode): Located | null {
  if (slot.form !== 'kinded' || value.type !== 'identifier') return null;
  const spec = Object.hasOwn(slot.kinds, value.value) ? slot.kinds[value.value] : null;
  return { type: 'kind', name: { text: value.value, span: value.span }, spec };
}

function inBody(body: BodyNode, spec: BlockSpec | null, prefix: string, experiment: string, offset: number): Located | null {
  for (const member of body.members) {
    if (!inside(member.span, offset)) continue;
    const path = prefix + member.name.text;
    if (member.type === 'attribute') {
      const slot = spec && Object.hasOwn(spec.slots, member.name.text) ? spec.slots[member.name.text] : null;
      if (slot && inside(member.value.span, offset)) return kindValue(slot, member.value) ?? { type: 'block', name: member.name, slot };
      if (slot) return { type: 'block', name: member.name, slot };
      const attribute = spec && Object.hasOwn(spec.attributes, member.name.text) ? spec.attributes[member.name.text] : null;
      const value = inside(member.value.span, offset) ? member.value : null;
      return { type: 'attribute', name: member.name, attribute, value, experiment, path };
    }
    const child = childBlock(spec, member.name.text, member.kind?.text ?? null);
    if (inside(member.name.span, offset) || (member.kind && child.variant && inside(member.kind.span, offset))) {
      return { type: 'block', name: member.name, slot: child.slot };
    }
    if (member.kind && inside(member.kind.span, offset)) return { type: 'kind', name: member.kind, spec: child.spec };
    return inBody(member.body, child.spec, `${prefix}${child.key}.`, experiment, offset);
  }
  return null;
}

function inPath(path: PathNode, offset: number): Located | null {
  const index = path.segments.findIndex((segment) => inside(segment.span, offset));
  if (index === -1) return null;
  return { type: 'path', name: path.segments[index], member: pathMember(path.segments.slice(0, index + 1)) };
}

/** A value of a grid axis: the attribute or kind it sets. */
function axisValue(path: PathNode, value: ValueNode, offset: number): Located | null {
  const items = value.type === 'list' ? value.items : [value];
  const item = items.find((v) => inside(v.span, offset));
  if (!item) return null;
  const member = pathMember(path.segments);
  if (member?.type === 'block') return kindValue(member.slot, item);
  const last = path.segments[path.segments.length - 1];
  return member ? { type: 'attribute', name: last, attribute: member.attribute, value: item, experiment: null, path: path.text } : null;
}

export function locate(file: FileNode, offset: number): Located | null {
  for (const node of file.imports) if (inside(node.pathSpan, offset)) return { type: 'import', node };
  for (const experiment of file.experiments) {
    if (!inside(experiment.span, offset)) continue;
    if (inside(experiment.name.span, offset)) return { type: 'declaration', name: experiment.name, what: 'experiment' };
    if (experiment.base && inside(experiment.base.span, offset)) return { type: 'base', name: experiment.base };
    return inBody(experiment.body, EXPERIMENT, '', experiment.name.text, offset);
  }
  for (const grid of file.grids) {
    if (!inside(grid.span, offset)) continue;
    if (inside(grid.name.span, offset)) return { type: 'declaration', name: grid.name, what: 'grid' };
    if (inside(grid.base.span, offset)) return { type: 'base', name: grid.base };
    const axes = grid.items.flatMap((item) => (item.type === 'axis' ? [item] : item.type === 'zip' ? item.axes : []));
    for (const axis of axes) {
      if (!inside(axis.span, offset)) continue;
      return inPath(axis.path, offset) ?? axisValue(axis.path, axis.value, offset);
    }
  }
  return null;
}
