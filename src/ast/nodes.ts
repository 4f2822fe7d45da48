/** The abstract syntax of a .rekd file. Every node carries the span of its source text. */
import type { Span } from '../diagnostics/span.ts';

export interface Name { text: string; span: Span }

export type ValueNode =
  | { type: 'number'; value: number; span: Span }
  | { type: 'string'; value: string; span: Span }
  | { type: 'bool'; value: boolean; span: Span }
  | { type: 'none'; span: Span }
  | { type: 'identifier'; value: string; span: Span }
  | { type: 'range'; low: number; high: number; span: Span }
  | { type: 'list'; items: ValueNode[]; span: Span }
  /** `{ members }`: a block a grid axis or an override puts into a cell (`loss.supervised = [{}, none]`). */
  | { type: 'block'; body: BodyNode; span: Span }
  /** A value the parser could not read; its syntax error is already reported. */
  | { type: 'invalid'; span: Span };

export interface AttributeNode { type: 'attribute'; name: Name; value: ValueNode; span: Span }
export interface BlockNode { type: 'block'; name: Name; kind: Name | null; body: BodyNode; span: Span }
export type MemberNode = AttributeNode | BlockNode;
/** `close` is the span of the closing '}', null when recovery inserted it. */
export interface BodyNode { members: MemberNode[]; span: Span; close: Span | null }

export interface ImportNode { path: string; pathSpan: Span; span: Span }
export interface ExperimentNode { name: Name; base: Name | null; body: BodyNode; span: Span }

/** A dotted path `loss.relation.temperature` into an experiment. */
export interface PathNode { segments: Name[]; text: string; span: Span }
/** `path = [values]`: one axis of a grid. */
export interface GridAxisNode { type: 'axis'; path: PathNode; value: ValueNode; span: Span }
/** `zip { axes }`: axes of equal length varying together. */
export interface GridZipNode { type: 'zip'; axes: GridAxisNode[]; span: Span }
export type ComparisonOperator = '==' | '!=' | '<' | '<=' | '>' | '>=';
/** A `where` condition: comparisons of a path with a literal, combined with and/or/not. */
export type ConditionNode =
  | { type: 'compare'; path: PathNode; operator: ComparisonOperator; value: ValueNode; span: Span }
  | { type: 'and' | 'or'; operands: ConditionNode[]; span: Span }
  | { type: 'not'; operand: ConditionNode; span: Span };
/** `where condition`: keeps the cells for which the condition holds. */
export interface GridWhereNode { type: 'where'; condition: ConditionNode; span: Span }
/** `use name`: the axes of the named set, at this place in the grid's product. */
export interface GridUseNode { type: 'use'; name: Name; span: Span }
export type GridItemNode = GridAxisNode | GridZipNode | GridWhereNode | GridUseNode;
export interface GridNode { name: Name; base: Name; items: GridItemNode[]; span: Span }
/** `axes name { ... }`: a named set of axes and zips that grids take with `use name`. */
export interface AxesSetNode { name: Name; items: Array<GridAxisNode | GridZipNode>; span: Span }

export interface FileNode {
  file: string;
  imports: ImportNode[];
  experiments: ExperimentNode[];
  grids: GridNode[];
  axesSets: AxesSetNode[];
}

/** A `--set path=value` override. */
export interface OverrideNode { path: PathNode; value: ValueNode; span: Span }
