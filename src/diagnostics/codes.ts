/**
 * The one table of diagnostic codes: each code's severity and one-line title. Every diagnostic is
 * made from a code of this table (`Code` is the union of its keys), and its severity is looked up
 * here, not chosen where it is reported. docs/language.md's code list is generated from it.
 * Codes are stable: a retired code is never reused.
 */

export type Severity = 'error' | 'warning' | 'note';

/**
 * A code's severity: fixed, or `wrapped` for a code that reports another diagnostic elsewhere and
 * keeps that diagnostic's severity (RK0804 shows a grid cell's problem at the grid).
 */
export type CodeSeverity = Severity | 'wrapped';

export const CODES = {
  RK0001: { severity: 'error', title: 'internal error (a bug in rekdc)' },
  RK0002: { severity: 'error', title: 'cannot read a file given on the command line' },
  RK0101: { severity: 'error', title: 'unexpected character' },
  RK0102: { severity: 'error', title: 'syntax error' },
  RK0103: { severity: 'error', title: 'unterminated block comment' },
  RK0104: { severity: 'error', title: 'invalid literal (unterminated string, bad escape, number too large)' },
  RK0105: { severity: 'error', title: 'unclosed block (a missing }, found by indentation)' },
  RK0106: { severity: 'error', title: 'nested too deeply (more than 100 levels of braces, brackets, parentheses or nots)' },
  RK0201: { severity: 'error', title: 'unknown attribute or block' },
  RK0202: { severity: 'error', title: 'unknown kind' },
  RK0203: { severity: 'error', title: 'missing kind' },
  RK0204: { severity: 'error', title: 'kind on a block that takes none' },
  RK0205: { severity: 'error', title: 'block written as an attribute or attribute written as a block' },
  RK0301: { severity: 'error', title: 'value of the wrong type' },
  RK0302: { severity: 'error', title: 'value out of range or not an integer' },
  RK0303: { severity: 'error', title: 'range with low > high' },
  RK0401: { severity: 'error', title: 'missing required block' },
  RK0402: { severity: 'error', title: 'missing required attribute' },
  RK0501: { severity: 'error', title: 'seed/compress need student embed = teacher embed' },
  RK0502: { severity: 'error', title: 'a relation loss needs a teacher' },
  RK0503: { severity: 'error', title: 'an offline teacher needs a checkpoint or a pretrain stage' },
  RK0504: { severity: 'error', title: 'warmup_epochs < epochs' },
  RK0505: { severity: 'note', title: 'teacher and student share an architecture' },
  RK0506: { severity: 'error', title: 'the loss has no term' },
  RK0507: { severity: 'error', title: 'milestones must increase and be < epochs' },
  RK0508: { severity: 'warning', title: 'teacher without a relation term' },
  RK0509: { severity: 'warning', title: 'checkpoint or pretrain on an online teacher' },
  RK0510: { severity: 'warning', title: 'queue smaller than batch_size' },
  RK0511: { severity: 'warning', title: 'color_jitter saturation or hue on grey data' },
  RK0512: { severity: 'error', title: 'bn_groups must divide batch_size into groups of 2 or more' },
  RK0601: { severity: 'error', title: 'imported file cannot be read' },
  RK0602: { severity: 'error', title: 'import cycle' },
  RK0603: { severity: 'error', title: 'unknown experiment (extends, grid base)' },
  RK0604: { severity: 'error', title: 'extends cycle' },
  RK0701: { severity: 'error', title: 'experiment, grid or axes set name declared twice' },
  RK0702: { severity: 'error', title: 'attribute or block written twice' },
  RK0801: { severity: 'error', title: 'unknown path (grid axis, where condition or --set override)' },
  RK0802: { severity: 'error', title: 'grid axis is not a non-empty list' },
  RK0803: { severity: 'error', title: 'zip axes of different lengths' },
  RK0804: { severity: 'wrapped', title: 'a grid cell does not check' },
  RK0805: { severity: 'error', title: 'grid axis given twice' },
  RK0806: { severity: 'error', title: 'where condition compares a path with a value it cannot hold' },
  RK0807: { severity: 'warning', title: 'where condition drops every cell of a grid' },
  RK0808: { severity: 'warning', title: 'a kind switch keeps an attribute written for the old kind' },
  RK0809: { severity: 'error', title: 'grid with more than 1000 cells' },
  RK0810: { severity: 'error', title: 'unknown axes set (use)' },
  RK0811: { severity: 'error', title: 'a path varied both by a grid and an axes set it uses (or by two sets)' },
  RK0812: { severity: 'warning', title: 'axes set used by no grid' },
  RK0813: { severity: 'error', title: 'block value `{ ... }` where it cannot go (an attribute, a kinded block with no kind)' },
} as const satisfies Record<`RK${number}`, { severity: CodeSeverity; title: string }>;

/** Every diagnostic code: a string that is not a key of CODES is not a Code. */
export type Code = keyof typeof CODES;

/** The codes whose diagnostics take the severity of the diagnostic they wrap. */
export type WrapperCode = { [C in Code]: (typeof CODES)[C]['severity'] extends 'wrapped' ? C : never }[Code];

/** The codes with one severity, given by the table. */
export type FixedCode = Exclude<Code, WrapperCode>;
