/**
 * TypeScript literal text for plain values. Every string goes through JSON.stringify, so no user
 * text (quotes, backticks, `${`, newlines, `*\/`) can end the literal or become code; only `Code`
 * values, which the generator itself builds, are written verbatim.
 */

/** An expression written by the generator (never user text). */
export class Code {
  constructor(readonly text: string) {}
}

export const code = (text: string): Code => new Code(text);

export type Literal = string | number | boolean | null | Code | Literal[] | { [key: string]: Literal | undefined };

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

const propertyName = (key: string): string => (IDENTIFIER.test(key) ? key : JSON.stringify(key));

/** `key: value`, or the shorthand `key` when the value is the variable of that name. */
const property = (key: string, value: Literal, text: string): string =>
  (value instanceof Code && value.text === key ? key : `${propertyName(key)}: ${text}`);

/** Objects and arrays longer than this on one line are written one entry per line. */
const LINE_WIDTH = 100;

function number(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`codegen: cannot write the non-finite number ${value}`);
  return JSON.stringify(value);
}

function inline(value: Literal): string {
  if (value instanceof Code) return value.text;
  if (value === null || typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return number(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(inline).join(', ')}]`;
  const entries = definedEntries(value).map(([k, v]) => property(k, v, inline(v)));
  return entries.length ? `{ ${entries.join(', ')} }` : '{}';
}

const definedEntries = (value: { [key: string]: Literal | undefined }): Array<[string, Literal]> =>
  Object.entries(value).filter((entry): entry is [string, Literal] => entry[1] !== undefined);

/** The literal, broken over lines indented by `indent` spaces when it does not fit on one. */
export function literal(value: Literal, indent = 0): string {
  const flat = inline(value);
  if (indent + flat.length <= LINE_WIDTH || value === null || typeof value !== 'object' || value instanceof Code) return flat;
  const pad = ' '.repeat(indent + 2);
  const close = ' '.repeat(indent);
  if (Array.isArray(value)) return `[\n${value.map((v) => `${pad}${literal(v, indent + 2)},`).join('\n')}\n${close}]`;
  const lines = definedEntries(value).map(([k, v]) => `${pad}${property(k, v, literal(v, indent + 2))},`);
  return `{\n${lines.join('\n')}\n${close}}`;
}
