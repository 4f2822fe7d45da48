/**
 * A declaration moved to another place in its file: the same syntax with every span given by
 * `move`. The language server moves the declarations an edit left alone after it, instead of
 * parsing them again; written out node by node because a long file has tens of thousands of spans.
 */
import type { Span } from '../diagnostics/span.ts';
import type * as A from './nodes.ts';

type Move = (span: Span) => Span;

export type Declaration = A.ImportNode | A.ExperimentNode | A.GridNode | A.AxesSetNode;

const name = (n: A.Name, move: Move): A.Name => ({ text: n.text, span: move(n.span) });

function value(v: A.ValueNode, move: Move): A.ValueNode {
  switch (v.type) {
    case 'list': return { type: 'list', items: v.items.map((item) => value(item, move)), span: move(v.span) };
    case 'block': return { type: 'block', body: body(v.body, move), span: move(v.span) };
    default: return { ...v, span: move(v.span) };
  }
}

function member(m: A.MemberNode, move: Move): A.MemberNode {
  return m.type === 'attribute'
    ? { type: 'attribute', name: name(m.name, move), value: value(m.value, move), span: move(m.span) }
    : { type: 'block', name: name(m.name, move), kind: m.kind && name(m.kind, move), body: body(m.body, move), span: move(m.span) };
}

function body(b: A.BodyNode, move: Move): A.BodyNode {
  return { members: b.members.map((m) => member(m, move)), span: move(b.span), close: b.close && move(b.close) };
}

const path = (p: A.PathNode, move: Move): A.PathNode => ({ segments: p.segments.map((s) => name(s, move)), text: p.text, span: move(p.span) });

const axis = (a: A.GridAxisNode, move: Move): A.GridAxisNode =>
  ({ type: 'axis', path: path(a.path, move), value: value(a.value, move), span: move(a.span) });

function condition(c: A.ConditionNode, move: Move): A.ConditionNode {
  switch (c.type) {
    case 'compare': return { type: 'compare', path: path(c.path, move), operator: c.operator, value: value(c.value, move), span: move(c.span) };
    case 'not': return { type: 'not', operand: condition(c.operand, move), span: move(c.span) };
    default: return { type: c.type, operands: c.operands.map((o) => condition(o, move)), span: move(c.span) };
  }
}

function gridItem<T extends A.GridItemNode>(item: T, move: Move): T;
function gridItem(item: A.GridItemNode, move: Move): A.GridItemNode {
  switch (item.type) {
    case 'axis': return axis(item, move);
    case 'zip': return { type: 'zip', axes: item.axes.map((a) => axis(a, move)), span: move(item.span) };
    case 'where': return { type: 'where', condition: condition(item.condition, move), span: move(item.span) };
    case 'use': return { type: 'use', name: name(item.name, move), span: move(item.span) };
  }
}

export function moveDeclaration<T extends Declaration>(node: T, move: Move): T;
export function moveDeclaration(node: Declaration, move: Move): Declaration {
  if ('path' in node) return { path: node.path, pathSpan: move(node.pathSpan), span: move(node.span) };
  if ('body' in node) return { name: name(node.name, move), base: node.base && name(node.base, move), body: body(node.body, move), span: move(node.span) };
  if ('base' in node) return { name: name(node.name, move), base: name(node.base, move), items: node.items.map((i) => gridItem(i, move)), span: move(node.span) };
  return { name: name(node.name, move), items: node.items.map((i) => gridItem(i, move)), span: move(node.span) };
}
