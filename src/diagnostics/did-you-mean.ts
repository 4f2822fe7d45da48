/** Suggestions for misspelled names by edit distance. */

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

/** Longer names are no typos of a catalog name, and their edit distances would cost the most. */
export const MAX_SUGGESTED_LENGTH = 64;

/**
 * Answers already given: every cell of a grid asks again about the same misspelled path. Kept
 * small and cleared when full, since names come from user input.
 */
const answers = new Map<string, string | undefined>();
const MAX_ANSWERS = 1024;

/**
 * The closest candidate to `name`, or undefined when none is close enough (at most a third of
 * the name's length, at least one edit) to be a plausible typo, or the name is over
 * MAX_SUGGESTED_LENGTH characters.
 */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  if (name.length > MAX_SUGGESTED_LENGTH) return undefined;
  const limit = Math.max(1, Math.floor(name.length / 3));
  // The distance is at least the difference in length.
  const near = [...candidates].filter((candidate) => Math.abs(candidate.length - name.length) <= limit);
  const key = [name, ...near].join('\0');
  if (answers.has(key)) return answers.get(key);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of near) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance && distance <= limit) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (answers.size >= MAX_ANSWERS) answers.clear();
  answers.set(key, best);
  return best;
}
