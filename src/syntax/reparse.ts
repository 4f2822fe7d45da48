/**
 * The syntax tree of an edited file from the tree of its previous version: the declarations the
 * edit left alone are kept (moved to their new place), only the stretch between them that holds
 * the edit is lexed and parsed again. The language server's answer to a keystroke in a long file.
 */
import type { IToken } from 'chevrotain';
import { rekdLexer } from '../../grammar/tokens.ts';
import type * as C from '../../grammar/cst.d.ts';
import { AstBuilder } from '../ast/build.ts';
import { moveDeclaration, type Declaration } from '../ast/move.ts';
import type { FileNode } from '../ast/nodes.ts';
import type { TextEdit } from '../diagnostics/edit.ts';
import type { Span } from '../diagnostics/span.ts';
import { spanAt } from '../diagnostics/span.ts';
import { tooDeep } from './nesting.ts';
import { runParser } from './parse.ts';

const KINDS = ['imports', 'experiments', 'grids', 'axesSets'] as const;

/**
 * `before` is the tree of the file's previous text, which parsed without a diagnostic. Null
 * unless the result is sure to be what parsing the whole new text gives: the reparsed stretch
 * lexes and parses without a diagnostic and ends between tokens, so the kept declarations after it
 * are lexed as before.
 */
export function reparseEdited(before: FileNode, text: TextEdit): FileNode | null {
  const kept = (span: Span): 'before' | 'after' | null => (span.end <= text.start ? 'before' : span.start >= text.oldEnd ? 'after' : null);
  const declarations = KINDS.flatMap((kind) => before[kind] as Declaration[]);
  const ahead = declarations.filter((d) => kept(d.span) === 'before');
  const behind = declarations.filter((d) => kept(d.span) === 'after');
  const from = Math.max(0, ...ahead.map((d) => d.span.end));
  const to = behind.length ? text.offset(Math.min(...behind.map((d) => d.span.start))) : text.newText.length;
  const middle = parseStretch(text.newText, before.file, from, to);
  if (!middle) return null;
  const moved = behind.map((d) => moveDeclaration(d, (span) => text.after(span)));
  const result: FileNode = { file: before.file, imports: [], experiments: [], grids: [], axesSets: [] };
  for (const kind of KINDS) {
    const inKind = new Set<Declaration>(before[kind]);
    (result[kind] as Declaration[]).push(
      ...ahead.filter((d) => inKind.has(d)), ...middle[kind], ...moved.filter((d, i) => inKind.has(behind[i])));
  }
  return result;
}

/** The declarations of `text[from, to)`, placed in `text`; null when that stretch alone does not parse cleanly. */
function parseStretch(text: string, file: string, from: number, to: number): FileNode | null {
  const stretch = text.slice(from, to);
  const lexed = rekdLexer.tokenize(stretch);
  const comments = lexed.groups.comments ?? [];
  if (lexed.errors.length || lexed.groups.unterminated?.length || tooDeep(lexed.tokens)) return null;
  // A token (a comment, a name) running up to the end could run on into what follows.
  const last = Math.max(-1, ...[lexed.tokens.at(-1), comments.at(-1)].map((token) => token?.endOffset ?? -1));
  if (to < text.length && last >= stretch.length - 1) return null;
  const tokens = lexed.tokens.map((token) => placed(token, text, from));
  const { cst, errors } = runParser(tokens, 'file');
  if (errors.length) return null;
  const builder = new AstBuilder(file);
  const tree = builder.file_(cst as C.FileCstNode);
  return builder.diagnostics.length ? null : tree;
}

/** A token lexed from the stretch at `from`, with offsets, lines and columns of the whole text. */
function placed(token: IToken, text: string, from: number): IToken {
  const start = spanAt('', text, token.startOffset + from, token.startOffset + from);
  const end = spanAt('', text, token.endOffset! + from, token.endOffset! + from);
  return {
    ...token, startOffset: start.start, endOffset: end.start,
    startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column,
  };
}
