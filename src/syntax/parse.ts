/** Text -> AST: lexing, parsing with recovery, and CST -> AST, with every error as a Diagnostic. */
import type { IRecognitionException, IToken } from 'chevrotain';
import { rekdLexer } from '../../grammar/tokens.ts';
import { rekdParser } from '../../grammar/parser.ts';
import type * as C from '../../grammar/cst.d.ts';
import { AstBuilder } from '../ast/build.ts';
import { repairUnclosedBlocks } from '../ast/repair.ts';
import type { FileNode, OverrideNode } from '../ast/nodes.ts';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.ts';
import { spanAt } from '../diagnostics/span.ts';
import { MAX_NESTING, tooDeep } from './nesting.ts';
import { repairKeywordTypos } from './keyword-typos.ts';
import { operatorWord, readOperatorWords } from './operator-words.ts';

export interface Parsed<T> { value: T; diagnostics: Diagnostic[] }

/** Editors on Windows may start a UTF-8 file with a byte-order mark: it is no part of the text. Removed on reading. */
export const stripByteOrderMark = (text: string): string => (text.startsWith('\uFEFF') ? text.slice(1) : text);

/** The parser's CST of `tokens` by `rule`, and its syntax errors. */
export function runParser(tokens: readonly IToken[], rule: 'file' | 'override'): { cst: unknown; errors: IRecognitionException[] } {
  const parser = rekdParser();
  // Chevrotain only reads its input; its setter is typed mutable.
  parser.input = tokens as IToken[];
  // Recovery throws an exception per syntax error; their stack traces are never shown and
  // capturing them dominated the time of a long file of junk.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return { cst: rule === 'file' ? parser.file() : parser.override(), errors: parser.errors };
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

/** `empty`: the value of an input too deeply nested to parse. */
function parseWith<T>(text: string, file: string, rule: 'file' | 'override', build: (builder: AstBuilder, cst: unknown) => T, empty: T): Parsed<T> {
  const diagnostics: Diagnostic[] = [];
  const lexed = rekdLexer.tokenize(text);
  for (const error of lexed.errors) {
    const character = text.slice(error.offset, error.offset + error.length);
    const word = operatorWord(character);
    const span = spanAt(file, text, error.offset, error.offset + error.length);
    diagnostics.push(word
      ? diagnostic('RK0101', `'${character}' is not an operator of the language: conditions are joined with 'and', 'or' and 'not'`, span, { suggestion: word })
      : diagnostic('RK0101', `unexpected character${error.length > 1 ? 's' : ''} '${character}'`, span));
  }
  for (const token of lexed.groups.unterminated ?? []) {
    diagnostics.push(diagnostic('RK0103', "unterminated comment: '/*' has no closing '*/'",
      spanAt(file, text, token.startOffset, token.startOffset + 2)));
  }
  const deep = tooDeep(lexed.tokens);
  if (deep) {
    diagnostics.push(diagnostic('RK0106', `nested too deeply: more than ${MAX_NESTING} levels of braces, brackets, parentheses or 'not's`,
      spanAt(file, text, deep.startOffset, deep.endOffset! + 1)));
    return { value: empty, diagnostics };
  }
  let tokens: readonly IToken[] = readOperatorWords(lexed.tokens, lexed.errors, text);
  if (rule === 'file') {
    const keywords = repairKeywordTypos(tokens, file, text);
    diagnostics.push(...keywords.diagnostics);
    tokens = keywords.tokens;
  }
  const { cst, errors } = runParser(tokens, rule);
  for (const error of errors) diagnostics.push(syntaxError(error, file, text));
  const builder = new AstBuilder(file);
  const value = build(builder, cst);
  diagnostics.push(...builder.diagnostics);
  return { value, diagnostics };
}

/** The parser's message for a member whose value does not start on its '=' line (grammar/parser.ts). */
const VALUE_ON_EQUALS_LINE = "expected a value on the same line as '='";

function syntaxError(error: IRecognitionException, file: string, text: string) {
  const token = error.token;
  const equals = (error as IRecognitionException & { previousToken?: IToken }).previousToken;
  // `seed =` then a line break: the value is missing at the end of `seed =`, not at the next line's token.
  if (error.message.startsWith(VALUE_ON_EQUALS_LINE) && equals && token.startLine !== equals.startLine) {
    const end = equals.endOffset! + 1;
    return diagnostic('RK0102', "missing value after '=': a value starts on the line of its '='", spanAt(file, text, end, end + 1));
  }
  // At the end of input the token has no offset: point just past the last character (spanAt
  // keeps the span inside the text).
  const atEnd = Number.isNaN(token.startOffset) || token.tokenType.name === 'EOF';
  const start = atEnd ? text.trimEnd().length : token.startOffset;
  const end = atEnd || token.endOffset === undefined || Number.isNaN(token.endOffset) ? start + 1 : token.endOffset + 1;
  return diagnostic('RK0102', error.message, spanAt(file, text, start, end));
}

const MISSING_BRACE = "expected '}'";
/** Where the parser notices a '}' missing long after the block: at the next declaration or the end. */
const noticedLate = (d: Diagnostic): boolean =>
  d.message.startsWith(MISSING_BRACE) && /found (the end of the file|'experiment'|'grid'|'import')$/.test(d.message);

export function parseSource(text: string, file: string): Parsed<FileNode> {
  const parsed = parseWith(text, file, 'file', (builder, cst) => builder.file_(cst as C.FileCstNode), { file, imports: [], experiments: [], grids: [], axesSets: [] });
  if (!parsed.diagnostics.some((d) => d.message.startsWith(MISSING_BRACE))) return parsed;
  const unclosed = repairUnclosedBlocks(parsed.value);
  if (unclosed.length === 0) return parsed;
  // The unclosed-block errors say where a '}' is missing; a late notice of it adds nothing.
  return { value: parsed.value, diagnostics: [...parsed.diagnostics.filter((d) => !noticedLate(d)), ...unclosed] };
}

/** Parses one `path=value` override; `file` names it in diagnostics (e.g. `--set #1`). */
export function parseOverride(text: string, file: string): Parsed<OverrideNode | null> {
  if (!text.includes('=')) {
    return { value: null, diagnostics: [diagnostic('RK0102', `the --set argument '${text}' is missing '=value': write --set ${text.trim() || 'path'}=VALUE`,
      spanAt(file, text, 0, text.length))] };
  }
  const parsed = parseWith(text, file, 'override', (builder, cst) => {
    const node = cst as C.OverrideCstNode;
    const span = builder.nodeSpan(node);
    const path = node.children.path?.[0] && builder.path(node.children.path[0]);
    if (!span || !path) return null;
    return { path, value: builder.value(node.children.value?.[0], span), span };
  }, null);
  return unquotedString(text, file) ?? parsed;
}

/**
 * An unquoted string value (a path, a name with '-': the shell ate the quotes) gives one error
 * that shows how to quote it, instead of one per character the lexer cannot read.
 */
function unquotedString(text: string, file: string): Parsed<null> | undefined {
  const equals = text.indexOf('=');
  const raw = text.slice(equals + 1).trim();
  if (equals < 0 || raw === '' || /^["[]/.test(raw) || rekdLexer.tokenize(raw).errors.length === 0) return undefined;
  const path = text.slice(0, equals).trim();
  const start = text.indexOf(raw, equals + 1);
  return {
    value: null,
    diagnostics: [diagnostic('RK0101', `'${raw}' is not a value: a string is written in double quotes`,
      spanAt(file, text, start, start + raw.length),
      { suggestion: `${path}="${raw}"`, notes: [`in a shell, quote the whole override: --set '${path}="${raw}"'`] })],
  };
}
