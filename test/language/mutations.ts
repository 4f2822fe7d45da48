/**
 * The fuzz test's seeded mutator of .rekd text: byte flips, token deletions, duplications and
 * insertions, deep nesting, long names, large files, large grids and other line breaks. Each
 * operator takes the project's Rng, so one seed and index always give the same input.
 */
import type { Rng } from '../../src/runtime/random.ts';

interface Operator { name: string; weight: number; apply(rng: Rng, text: string): string }

/** Rough tokens (names, numbers, strings, `..`, whitespace, any other character), enough to edit by. */
const TOKEN = /\s+|[A-Za-z_][\w-]*|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|"[^"\n]*"?|\.\.|[^]/g;
const tokens = (text: string): string[] => text.match(TOKEN) ?? [];

const FRAGMENTS = ['{', '}', '[', ']', '(', ')', '=', '==', '<', '..', '.', ',', '"', '/*', '*/', '//', '\n', '\r', '\r\n', 'not', 'and',
  'or', 'where', 'zip', 'of', 'none', 'true', 'experiment', 'grid', 'extends', 'import', 'teacher', 'student', 'loss', 'seed', 'width',
  'alexnet', '-1', '0', '1e308', '99999999999999999999', '1e-400', '0.5', '"x"', '"\\q"', '\\', '@', '\u00e9', '\u{1F600}', '\0'];
const OPENERS = ['{', '[', '(', 'not ', 'not (', 'a {', 'x = ['];
const CLOSERS: Record<string, string> = { '{': '}', '[': ']', '(': ')', 'not ': '', 'not (': ')', 'a {': '}', 'x = [': ']' };
const PATHS = ['seed', 'batch_size', 'log_every', 'checkpoint_every', 'eval.knn.k', 'loss.relation.temperature', 'student', 'studnet.width'];

const pick = <T>(rng: Rng, items: readonly T[]): T => items[rng.int(items.length)];
/** 10^1 .. 10^5, evenly in the exponent: most sizes small, some huge. */
const size = (rng: Rng, maxExponent = 5): number => Math.max(1, Math.floor(10 ** rng.uniform(1, maxExponent)));
const insertAt = (text: string, at: number, piece: string): string => text.slice(0, at) + piece + text.slice(at);

/** Applies `edit` to a random token's index of the text's tokens. */
function editTokens(rng: Rng, text: string, edit: (list: string[], index: number) => void): string {
  const list = tokens(text);
  if (list.length === 0) return text;
  edit(list, rng.int(list.length));
  return list.join('');
}

const OPERATORS: Operator[] = [
  { name: 'flip bytes', weight: 20, apply: (rng, text) => {
    let out = text;
    for (let n = 1 + rng.int(8); n > 0 && out.length > 0; n--) {
      const at = rng.int(out.length);
      const char = rng.bernoulli(0.5) ? pick(rng, FRAGMENTS).slice(0, 1) : String.fromCharCode(rng.int(rng.bernoulli(0.8) ? 128 : 0x3000));
      out = out.slice(0, at) + char + out.slice(at + 1);
    }
    return out;
  } },
  { name: 'delete tokens', weight: 20, apply: (rng, text) => editTokens(rng, text, (list, i) => list.splice(i, 1 + rng.int(4))) },
  { name: 'duplicate tokens', weight: 15, apply: (rng, text) => editTokens(rng, text, (list, i) => list.splice(i, 0, ...list.slice(i, i + 1 + rng.int(6)))) },
  { name: 'insert tokens', weight: 20, apply: (rng, text) => editTokens(rng, text, (list, i) => {
    list.splice(i, 0, ...Array.from({ length: 1 + rng.int(3) }, () => (rng.bernoulli(0.5) ? pick(rng, FRAGMENTS) : pick(rng, list))));
  }) },
  { name: 'nest deeply', weight: 6, apply: (rng, text) => {
    const open = pick(rng, OPENERS);
    const depth = size(rng, 3.5);
    // Closed, unclosed, or over-closed.
    const closes = pick(rng, [depth, 0, depth * 2]);
    return insertAt(text, rng.int(text.length + 1), `${open.repeat(depth)}x == 1${CLOSERS[open].repeat(closes)}`);
  } },
  { name: 'long name', weight: 6, apply: (rng, text) => editTokens(rng, text, (list) => {
    const names = list.map((t, i) => (/^[A-Za-z_]/.test(t) ? i : -1)).filter((i) => i >= 0);
    if (names.length) list[pick(rng, names)] = `n${'a'.repeat(size(rng))}`;
  }) },
  { name: 'large file', weight: 2, apply: (rng, text) => {
    const lines = size(rng, Math.log10(50_000));
    if (rng.bernoulli(0.6)) {
      const junk = Array.from({ length: lines }, () => Array.from({ length: 1 + rng.int(4) }, () => pick(rng, FRAGMENTS)).join(' ')).join('\n');
      // Alone, or inside a block, where the parser recovers per member.
      const brace = text.indexOf('{');
      return rng.bernoulli(0.5) || brace === -1 ? junk : insertAt(text, brace + 1, `\n${junk}\n`);
    }
    const copies = Math.max(1, Math.ceil(lines / Math.max(1, text.split('\n').length)));
    return text.repeat(copies);
  } },
  { name: 'large grid', weight: 4, apply: (rng, text) => {
    const base = /experiment\s+([A-Za-z_]\w*)/.exec(text)?.[1] ?? 'missing';
    const axes = Array.from({ length: 1 + rng.int(6) }, (_, a) => {
      const values = Array.from({ length: 1 + rng.int(20) }, (_, v) => String(v + 1)).join(', ');
      return `  ${rng.bernoulli(0.1) ? `n${'a'.repeat(size(rng))}` : PATHS[(a + rng.int(PATHS.length)) % PATHS.length]} = [${values}]`;
    });
    return `${text}\ngrid fuzz_grid of ${base} {\n${axes.join('\n')}\n}\n`;
  } },
  { name: 'other line breaks', weight: 7, apply: (rng, text) => text.replace(/\n/g, () => pick(rng, ['\n', '\r', '\r\n', '\n\r']) as string) },
];
const TOTAL_WEIGHT = OPERATORS.reduce((sum, o) => sum + o.weight, 0);

/** One to three operators applied in turn; returns the text and their names. */
export function mutate(rng: Rng, text: string): { text: string; operators: string[] } {
  let out = text;
  const operators: string[] = [];
  for (let n = 1 + rng.int(3); n > 0; n--) {
    let draw = rng.uniform(0, TOTAL_WEIGHT);
    const operator = OPERATORS.find((o) => (draw -= o.weight) < 0) ?? OPERATORS[0];
    out = operator.apply(rng, out);
    operators.push(operator.name);
  }
  return { text: out, operators };
}
