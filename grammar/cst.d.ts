import type { CstNode, ICstVisitor, IToken } from "chevrotain";

export interface FileCstNode extends CstNode {
  name: "file";
  children: FileCstChildren;
}

export type FileCstChildren = {
  importDecl?: ImportDeclCstNode[];
  experimentDecl?: ExperimentDeclCstNode[];
  gridDecl?: GridDeclCstNode[];
  axesDecl?: AxesDeclCstNode[];
};

export interface ImportDeclCstNode extends CstNode {
  name: "importDecl";
  children: ImportDeclCstChildren;
}

export type ImportDeclCstChildren = {
  Import: IToken[];
  StringLiteral: IToken[];
};

export interface ExperimentDeclCstNode extends CstNode {
  name: "experimentDecl";
  children: ExperimentDeclCstChildren;
}

export type ExperimentDeclCstChildren = {
  Experiment: IToken[];
  name: IToken[];
  Extends?: IToken[];
  base?: IToken[];
  body: BodyCstNode[];
};

export interface BodyCstNode extends CstNode {
  name: "body";
  children: BodyCstChildren;
}

export type BodyCstChildren = {
  LCurly: IToken[];
  member?: MemberCstNode[];
  Comma?: IToken[];
  RCurly: IToken[];
};

export interface MemberCstNode extends CstNode {
  name: "member";
  children: MemberCstChildren;
}

export type MemberCstChildren = {
  name: IToken[];
  Equals?: IToken[];
  value?: ValueCstNode[];
  kind?: IToken[];
  body?: BodyCstNode[];
};

export interface GridDeclCstNode extends CstNode {
  name: "gridDecl";
  children: GridDeclCstChildren;
}

export type GridDeclCstChildren = {
  Grid: IToken[];
  name: IToken[];
  Of: IToken[];
  base: IToken[];
  LCurly: IToken[];
  gridAxis?: GridAxisCstNode[];
  zipBlock?: ZipBlockCstNode[];
  whereClause?: WhereClauseCstNode[];
  useClause?: UseClauseCstNode[];
  Comma?: IToken[];
  RCurly: IToken[];
};

export interface AxesDeclCstNode extends CstNode {
  name: "axesDecl";
  children: AxesDeclCstChildren;
}

export type AxesDeclCstChildren = {
  Axes: IToken[];
  name: IToken[];
  LCurly: IToken[];
  gridAxis?: GridAxisCstNode[];
  zipBlock?: ZipBlockCstNode[];
  useClause?: UseClauseCstNode[];
  whereClause?: WhereClauseCstNode[];
  Comma?: IToken[];
  RCurly: IToken[];
};

export interface UseClauseCstNode extends CstNode {
  name: "useClause";
  children: UseClauseCstChildren;
}

export type UseClauseCstChildren = {
  Use: IToken[];
  name: IToken[];
};

export interface GridAxisCstNode extends CstNode {
  name: "gridAxis";
  children: GridAxisCstChildren;
}

export type GridAxisCstChildren = {
  path: PathCstNode[];
  Equals: IToken[];
  value: ValueCstNode[];
};

export interface ZipBlockCstNode extends CstNode {
  name: "zipBlock";
  children: ZipBlockCstChildren;
}

export type ZipBlockCstChildren = {
  Zip: IToken[];
  LCurly: IToken[];
  gridAxis?: GridAxisCstNode[];
  Comma?: IToken[];
  RCurly: IToken[];
};

export interface WhereClauseCstNode extends CstNode {
  name: "whereClause";
  children: WhereClauseCstChildren;
}

export type WhereClauseCstChildren = {
  Where: IToken[];
  condition: ConditionCstNode[];
};

export interface ConditionCstNode extends CstNode {
  name: "condition";
  children: ConditionCstChildren;
}

export type ConditionCstChildren = {
  conjunction: (ConjunctionCstNode)[];
  Or?: IToken[];
};

export interface ConjunctionCstNode extends CstNode {
  name: "conjunction";
  children: ConjunctionCstChildren;
}

export type ConjunctionCstChildren = {
  negation: (NegationCstNode)[];
  And?: IToken[];
};

export interface NegationCstNode extends CstNode {
  name: "negation";
  children: NegationCstChildren;
}

export type NegationCstChildren = {
  Not?: IToken[];
  negation?: NegationCstNode[];
  LParen?: IToken[];
  condition?: ConditionCstNode[];
  RParen?: IToken[];
  comparison?: ComparisonCstNode[];
};

export interface ComparisonCstNode extends CstNode {
  name: "comparison";
  children: ComparisonCstChildren;
}

export type ComparisonCstChildren = {
  path: PathCstNode[];
  Comparison: IToken[];
  value: ValueCstNode[];
};

export interface PathCstNode extends CstNode {
  name: "path";
  children: PathCstChildren;
}

export type PathCstChildren = {
  Identifier: (IToken)[];
  Dot?: IToken[];
};

export interface ValueCstNode extends CstNode {
  name: "value";
  children: ValueCstChildren;
}

export type ValueCstChildren = {
  low?: IToken[];
  DotDot?: IToken[];
  high?: IToken[];
  StringLiteral?: IToken[];
  True?: IToken[];
  False?: IToken[];
  None?: IToken[];
  Identifier?: IToken[];
  list?: ListCstNode[];
  body?: BodyCstNode[];
};

export interface ListCstNode extends CstNode {
  name: "list";
  children: ListCstChildren;
}

export type ListCstChildren = {
  LBracket: IToken[];
  value?: (ValueCstNode)[];
  Comma?: (IToken)[];
  RBracket: IToken[];
};

export interface OverrideCstNode extends CstNode {
  name: "override";
  children: OverrideCstChildren;
}

export type OverrideCstChildren = {
  path: PathCstNode[];
  Equals: IToken[];
  value: ValueCstNode[];
};

export interface ICstNodeVisitor<IN, OUT> extends ICstVisitor<IN, OUT> {
  file(children: FileCstChildren, param?: IN): OUT;
  importDecl(children: ImportDeclCstChildren, param?: IN): OUT;
  experimentDecl(children: ExperimentDeclCstChildren, param?: IN): OUT;
  body(children: BodyCstChildren, param?: IN): OUT;
  member(children: MemberCstChildren, param?: IN): OUT;
  gridDecl(children: GridDeclCstChildren, param?: IN): OUT;
  axesDecl(children: AxesDeclCstChildren, param?: IN): OUT;
  useClause(children: UseClauseCstChildren, param?: IN): OUT;
  gridAxis(children: GridAxisCstChildren, param?: IN): OUT;
  zipBlock(children: ZipBlockCstChildren, param?: IN): OUT;
  whereClause(children: WhereClauseCstChildren, param?: IN): OUT;
  condition(children: ConditionCstChildren, param?: IN): OUT;
  conjunction(children: ConjunctionCstChildren, param?: IN): OUT;
  negation(children: NegationCstChildren, param?: IN): OUT;
  comparison(children: ComparisonCstChildren, param?: IN): OUT;
  path(children: PathCstChildren, param?: IN): OUT;
  value(children: ValueCstChildren, param?: IN): OUT;
  list(children: ListCstChildren, param?: IN): OUT;
  override(children: OverrideCstChildren, param?: IN): OUT;
}
