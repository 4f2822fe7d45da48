/** Suggestions for misspelled names: by edit distance, else by prefix or substring. */

/** Levenshtein distance with adjacent transpositions counted as one edit. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** True when `short` is `long` with some letters left out. */
function isSubsequence(short: string, long: string): boolean {
  let i = 0;
  for (const character of long) if (character === short[i]) i++;
  return i === short.length;
}

/** Longer names are no typos of a catalog name, and their edit distances would cost the most. */
export const MAX_SUGGESTED_LENGTH = 64;

/**
 * Answers already given: every cell of a grid asks again about the same misspelled path. Kept
 * small and cleared when full, since names come from user input.
 */
const answers = new Map<string, string | undefined>();
const MAX_ANSWERS = 1024;

/** Shortest name a prefix (`eval` of `evaluate`) or a substring may be suggested by: shorter ones are in too many names. */
const MIN_PREFIX = 3;
const MIN_SUBSTRING = 4;

/**
 * A candidate that is a prefix of `name` or has it as one (`evaluate` -> `eval`, `temp` ->
 * `temperature`), else one that contains it or is contained in it; the closest in length first.
 */
function partOf(name: string, candidates: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  const rank = (candidate: string): number | undefined => {
    const other = candidate.toLowerCase();
    const [shorter, longer] = other.length < lower.length ? [other, lower] : [lower, other];
    if (shorter.length >= MIN_PREFIX && longer.startsWith(shorter)) return 0;
    if (shorter.length >= MIN_SUBSTRING && longer.includes(shorter)) return 1;
    return undefined;
  };
  let best: string | undefined;
  let bestKey: [number, number] = [Infinity, Infinity];
  for (const candidate of candidates) {
    const kind = candidate.length <= MAX_SUGGESTED_LENGTH ? rank(candidate) : undefined;
    if (kind === undefined) continue;
    const key: [number, number] = [kind, Math.abs(candidate.length - name.length)];
    if (key[0] < bestKey[0] || (key[0] === bestKey[0] && key[1] < bestKey[1])) [best, bestKey] = [candidate, key];
  }
  return best;
}

/**
 * The closest candidate to `name`: by edit distance when one is close enough (at most a third of
 * the name's length, at least one edit) to be a plausible typo, else by prefix or substring
 * (`partOf`). Undefined when none is, or the name is over MAX_SUGGESTED_LENGTH characters.
 */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  if (name.length > MAX_SUGGESTED_LENGTH) return undefined;
  // Longer candidates are never suggested (too far in length, or too long): left out of the key too.
  const all = [...candidates].filter((candidate) => candidate.length <= 2 * MAX_SUGGESTED_LENGTH);
  const limit = Math.max(1, Math.floor(name.length / 3));
  // The distance is at least the difference in length.
  const near = all.filter((candidate) => Math.abs(candidate.length - name.length) <= limit);
  const key = [name, ...all].join('\0');
  if (answers.has(key)) return answers.get(key);
  let best: string | undefined;
  let bestKey: [number, number] = [Infinity, Infinity];
  for (const candidate of near) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    // Among equally close candidates, one the name is `candidate` with letters left out of
    // (`ofline` of `offline`, not `online`): a dropped letter is the likelier typo.
    const key: [number, number] = [distance, isSubsequence(name.toLowerCase(), candidate.toLowerCase()) ? 0 : 1];
    if (distance <= limit && (key[0] < bestKey[0] || (key[0] === bestKey[0] && key[1] < bestKey[1]))) [best, bestKey] = [candidate, key];
  }
  best ??= partOf(name, all.filter((candidate) => candidate !== name));
  if (answers.size >= MAX_ANSWERS) answers.clear();
  answers.set(key, best);
  return best;
}
