/**
 * C-style logical operators (`&&`, `||`, `!`) are no part of the language, whose conditions spell
 * them `and`, `or`, `not`. The lexer drops them with an error and the condition, its operator
 * gone, cascaded into false errors (an axis named after the next path). Here each is read as the
 * word's token, so that the condition parses as meant and only the one error is reported.
 */
import { createTokenInstance, type ILexingError, type IToken, type TokenType } from 'chevrotain';
import * as T from '../../grammar/tokens.ts';

const WORDS: Readonly<Record<string, TokenType>> = { '&&': T.And, '&': T.And, '||': T.Or, '|': T.Or, '!': T.Not };

/** The word to write for `characters` when they are a C-style logical operator. */
export function operatorWord(characters: string): string | undefined {
  return Object.hasOwn(WORDS, characters) ? WORDS[characters].name.toLowerCase() : undefined;
}

/** `tokens` with a token of the word for every lexing error that is a C-style logical operator, in text order. */
export function readOperatorWords(tokens: readonly IToken[], errors: readonly ILexingError[], text: string): readonly IToken[] {
  const words = errors.flatMap((error) => {
    const characters = text.slice(error.offset, error.offset + error.length);
    if (!Object.hasOwn(WORDS, characters)) return [];
    const end = error.offset + error.length - 1;
    return [createTokenInstance(WORDS[characters], characters, error.offset, end, error.line ?? 1, error.line ?? 1, error.column ?? 1, (error.column ?? 1) + error.length - 1)];
  });
  return words.length === 0 ? tokens : [...tokens, ...words].sort((a, b) => a.startOffset - b.startOffset);
}
