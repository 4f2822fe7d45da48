/**
 * CST -> AST. The CST may be partial after error recovery (missing tokens, NaN offsets); those
 * parts become `invalid` values or are dropped, since the parser has already reported them.
 */
import type { CstNode, IToken } from 'chevrotain';
import type * as C from '../../grammar/cst.d.ts';
import type { Span } from '../diagnostics/span.ts';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.ts';
import type * as A from './nodes.ts';

const valid = (n: number | undefined): n is number => n !== undefined && !Number.isNaN(n);

export class AstBuilder {
  readonly diagnostics: Diagnostic[] = [];
  constructor(private readonly file: string) {}

  tokenSpan(token: IToken | undefined): Span | null {
    if (!token || token.isInsertedInRecovery || !valid(token.startOffset) || !valid(token.endOffset)) return null;
    return { file: this.file, start: token.startOffset, end: token.endOffset + 1, line: token.startLine ?? 1, column: token.startColumn ?? 1 };
  }

  nodeSpan(node: CstNode): Span | null {
    const l = node.location;
    if (!l || !valid(l.startOffset) || !valid(l.endOffset)) return null;
    return { file: this.file, start: l.startOffset, end: l.endOffset + 1, line: l.startLine ?? 1, column: l.startColumn ?? 1 };
  }

  private name(token: IToken | undefined): A.Name | null {
    const span = this.tokenSpan(token);
    return span && token ? { text: token.image, span } : null;
  }

  file_(cst: C.FileCstNode): A.FileNode {
    const c = cst.children;
    return {
      file: this.file,
      imports: (c.importDecl ?? []).flatMap((n) => this.importDecl(n) ?? []),
      experiments: (c.experimentDecl ?? []).flatMap((n) => this.experimentDecl(n) ?? []),
      grids: (c.gridDecl ?? []).flatMap((n) => this.gridDecl(n) ?? []),
      axesSets: (c.axesDecl ?? []).flatMap((n) => this.axesDecl(n) ?? []),
    };
  }

  private importDecl(cst: C.ImportDeclCstNode): A.ImportNode | null {
    const token = cst.children.StringLiteral?.[0];
    const span = this.nodeSpan(cst);
    const pathSpan = this.tokenSpan(token);
    if (!span || !pathSpan || !token) return null;
    const path = this.stringValue(token.image, pathSpan);
    return path === null ? null : { path, pathSpan, span };
  }

  private experimentDecl(cst: C.ExperimentDeclCstNode): A.ExperimentNode | null {
    const name = this.name(cst.children.name?.[0]);
    const span = this.nodeSpan(cst);
    const body = cst.children.body?.[0] && this.body(cst.children.body[0]);
    if (!name || !span || !body) return null;
    return { name, base: this.name(cst.children.base?.[0]), body, span };
  }

  body(cst: C.BodyCstNode): A.BodyNode | null {
    const span = this.nodeSpan(cst);
    if (!span) return null;
    const close = this.tokenSpan(cst.children.RCurly?.[0]);
    return { span, close, members: (cst.children.member ?? []).flatMap((m) => this.member(m) ?? []) };
  }

  private member(cst: C.MemberCstNode): A.MemberNode | null {
    const c = cst.children;
    const name = this.name(c.name?.[0]);
    const span = this.nodeSpan(cst);
    if (!name || !span) return null;
    if (c.Equals) {
      return { type: 'attribute', name, value: this.value(c.value?.[0], span), span };
    }
    const body = c.body?.[0] && this.body(c.body[0]);
    if (!body) return null;
    return { type: 'block', name, kind: this.name(c.kind?.[0]), body, span };
  }

  private gridDecl(cst: C.GridDeclCstNode): A.GridNode | null {
    const c = cst.children;
    const name = this.name(c.name?.[0]);
    const base = this.name(c.base?.[0]);
    const span = this.nodeSpan(cst);
    if (!name || !base || !span) return null;
    const items: A.GridItemNode[] = [];
    // Keep the written order of axes and zips: it is the order of the cartesian product.
    const axes = (c.gridAxis ?? []).map((n) => this.gridAxis(n));
    const zips = (c.zipBlock ?? []).map((n) => this.zipBlock(n));
    const filters = (c.whereClause ?? []).map((n) => this.whereClause(n));
    const uses = (c.useClause ?? []).map((n) => this.useClause(n));
    for (const item of [...axes, ...zips, ...filters, ...uses]) if (item) items.push(item);
    items.sort((a, b) => a.span.start - b.span.start);
    return { name, base, items, span };
  }

  private axesDecl(cst: C.AxesDeclCstNode): A.AxesSetNode | null {
    const c = cst.children;
    const name = this.name(c.name?.[0]);
    const span = this.nodeSpan(cst);
    if (!name || !span) return null;
    const axes = (c.gridAxis ?? []).map((n) => this.gridAxis(n));
    const zips = (c.zipBlock ?? []).map((n) => this.zipBlock(n));
    const items = [...axes, ...zips].flatMap((item) => item ?? []).sort((a, b) => a.span.start - b.span.start);
    for (const use of c.useClause ?? []) this.misplaced(use, `axes sets do not nest: \`use\` belongs in a grid (use both sets there)`);
    for (const where of c.whereClause ?? []) this.misplaced(where, `an axes set holds no \`where\`: the grid that uses it filters its cells`);
    return { name, items, span };
  }

  /** A clause the grammar accepts in an axes set only to report it here. */
  private misplaced(cst: CstNode, message: string): void {
    const span = this.nodeSpan(cst);
    if (span) this.diagnostics.push(diagnostic('RK0102', message, span));
  }

  private useClause(cst: C.UseClauseCstNode): A.GridUseNode | null {
    const name = this.name(cst.children.name?.[0]);
    const span = this.nodeSpan(cst);
    return name && span ? { type: 'use', name, span } : null;
  }

  gridAxis(cst: C.GridAxisCstNode): A.GridAxisNode | null {
    const span = this.nodeSpan(cst);
    const path = cst.children.path?.[0] && this.path(cst.children.path[0]);
    if (!span || !path) return null;
    return { type: 'axis', path, value: this.value(cst.children.value?.[0], span), span };
  }

  private zipBlock(cst: C.ZipBlockCstNode): A.GridZipNode | null {
    const span = this.nodeSpan(cst);
    if (!span) return null;
    return { type: 'zip', axes: (cst.children.gridAxis ?? []).flatMap((n) => this.gridAxis(n) ?? []), span };
  }

  private whereClause(cst: C.WhereClauseCstNode): A.GridWhereNode | null {
    const span = this.nodeSpan(cst);
    const condition = cst.children.condition?.[0] && this.condition(cst.children.condition[0]);
    return span && condition ? { type: 'where', condition, span } : null;
  }

  /** `a or b`, `a and b`: one node per operator level, flat over its operands. */
  private condition(cst: C.ConditionCstNode): A.ConditionNode | null {
    const operands = (cst.children.conjunction ?? []).map((n) => this.conjunction(n));
    return this.combine('or', operands, cst);
  }

  private conjunction(cst: C.ConjunctionCstNode): A.ConditionNode | null {
    return this.combine('and', (cst.children.negation ?? []).map((n) => this.negation(n)), cst);
  }

  private combine(type: 'and' | 'or', operands: Array<A.ConditionNode | null>, cst: CstNode): A.ConditionNode | null {
    const span = this.nodeSpan(cst);
    if (!span || operands.length === 0 || operands.some((o) => o === null)) return null;
    const valid = operands as A.ConditionNode[];
    return valid.length === 1 ? valid[0] : { type, operands: valid, span };
  }

  private negation(cst: C.NegationCstNode): A.ConditionNode | null {
    const c = cst.children;
    const span = this.nodeSpan(cst);
    if (!span) return null;
    if (c.Not) {
      const operand = c.negation?.[0] && this.negation(c.negation[0]);
      return operand ? { type: 'not', operand, span } : null;
    }
    if (c.condition?.[0]) return this.condition(c.condition[0]);
    const comparison = c.comparison?.[0];
    const path = comparison?.children.path?.[0] && this.path(comparison.children.path[0]);
    const operator = comparison?.children.Comparison?.[0]?.image as A.ComparisonOperator | undefined;
    if (!comparison || !path || !operator) return null;
    return { type: 'compare', path, operator, value: this.value(comparison.children.value?.[0], span), span };
  }

  path(cst: C.PathCstNode): A.PathNode | null {
    const tokens = [...(cst.children.Identifier ?? [])].sort((a, b) => a.startOffset - b.startOffset);
    const segments = tokens.map((t) => this.name(t));
    const span = this.nodeSpan(cst);
    if (!span || segments.length === 0 || segments.some((s) => s === null)) return null;
    const names = segments as A.Name[];
    return { segments: names, text: names.map((s) => s.text).join('.'), span };
  }

  value(cst: C.ValueCstNode | undefined, fallback: Span): A.ValueNode {
    const span = cst ? this.nodeSpan(cst) : null;
    if (!cst || !span) return { type: 'invalid', span: fallback };
    const c = cst.children;
    if (c.low) {
      const low = this.numberValue(c.low[0], span);
      if (!c.DotDot) return low === null ? { type: 'invalid', span } : { type: 'number', value: low, span };
      const high = this.numberValue(c.high?.[0], span);
      return low === null || high === null ? { type: 'invalid', span } : { type: 'range', low, high, span };
    }
    if (c.StringLiteral) {
      const value = this.stringValue(c.StringLiteral[0].image, span);
      return value === null ? { type: 'invalid', span } : { type: 'string', value, span };
    }
    if (c.True) return { type: 'bool', value: true, span };
    if (c.False) return { type: 'bool', value: false, span };
    if (c.None) return { type: 'none', span };
    if (c.Identifier) return { type: 'identifier', value: c.Identifier[0].image, span };
    if (c.body?.[0]) {
      const body = this.body(c.body[0]);
      return body ? { type: 'block', body, span } : { type: 'invalid', span };
    }
    if (c.list?.[0]) {
      const items = (c.list[0].children.value ?? []).map((v) => this.value(v, span));
      return { type: 'list', items: items.sort((a, b) => a.span.start - b.span.start), span };
    }
    return { type: 'invalid', span };
  }

  private numberValue(token: IToken | undefined, fallback: Span): number | null {
    const span = this.tokenSpan(token);
    if (!token || !span) return null;
    const value = Number(token.image);
    if (!Number.isFinite(value)) {
      this.diagnostics.push(diagnostic('RK0104', `number '${token.image}' is too large`, span));
      return null;
    }
    return value;
  }

  /** Decodes a string token with JSON escapes; reports a missing quote or a bad escape. */
  private stringValue(image: string, span: Span): string | null {
    if (!/^"(?:[^"\\]|\\.)*"$/.test(image)) {
      this.diagnostics.push(diagnostic('RK0104', 'unterminated string: the closing \'"\' is missing on this line', span));
      return null;
    }
    try {
      return JSON.parse(image) as string;
    } catch {
      const bad = /\\(?:u(?![0-9a-fA-F]{4})|[^"\\/bfnrtu])/.exec(image);
      const at = bad ? { ...span, start: span.start + bad.index, end: span.start + bad.index + 2, column: span.column + bad.index } : span;
      this.diagnostics.push(diagnostic('RK0104', `invalid escape '${bad?.[0] ?? image}' in string (strings use JSON escapes)`, at));
      return null;
    }
  }
}
