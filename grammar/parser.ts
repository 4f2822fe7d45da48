/**
 * The concrete-syntax parser of the .rekd language. Error recovery is on, so one parse reports
 * every syntax error; src/syntax turns the CST into the AST.
 */
import type { IOrAlt, IParserErrorMessageProvider, TokenType, IToken } from 'chevrotain';
import { CstParser } from './chevrotain.ts';
import * as T from './tokens.ts';

const describe = (token: IToken): string => (token.tokenType.name === 'EOF' ? 'the end of the file' : `'${token.image}'`);
const labelOf = (type: TokenType): string => type.LABEL ?? type.name;

/** What the top level of a file holds: where the parser expects the end of the file, one more of these may come. */
export const DECLARATION_EXPECTED = 'a declaration (experiment, grid, axes or import)';

/** Short messages instead of chevrotain's default "Expecting token of type --> X <--". */
const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected, actual }) =>
    `expected ${expected.name === 'EOF' ? DECLARATION_EXPECTED : labelOf(expected)}, found ${describe(actual)}`,
  buildNotAllInputParsedMessage: ({ firstRedundant }) => `expected ${DECLARATION_EXPECTED}, found ${describe(firstRedundant)}`,
  buildNoViableAltMessage: ({ expectedPathsPerAlt, actual, ruleName }) => {
    if (ruleName === 'member') return `expected a value on the same line as '=', found ${describe(actual[0])}`;
    if (ruleName === 'value') return `expected a value (number, string, true, false, none, name, list or { block }), found ${describe(actual[0])}`;
    const expected = [...new Set(expectedPathsPerAlt.flat().map((path) => labelOf(path[0])))];
    return `expected ${expected.join(' or ')}, found ${describe(actual[0])}`;
  },
  buildEarlyExitMessage: ({ expectedIterationPaths, actual }) =>
    `expected ${[...new Set(expectedIterationPaths.map((path) => labelOf(path[0])))].join(' or ')}, found ${describe(actual[0])}`,
};

/** Errors recovered inside repetitions per parse; far more than a file has by mistake. */
export const MAX_REPETITION_RECOVERIES = 100;

export class RekdParser extends CstParser {
  /**
   * Alternatives of each OR, built once: rebuilding their closures on every call (and tsx's
   * name-keeping wrapper around each) cost more than the parsing itself.
   */
  private readonly alternatives: Record<string, IOrAlt<unknown>[]> = {};
  /** Line of the last '=' of a member, for the same-line gate below. */
  private equalsLine = 0;

  /** In-repetition recoveries of the current parse (see the constructor). */
  private repetitionRecoveries = 0;

  constructor() {
    super(T.allTokens, { recoveryEnabled: true, nodeLocationTracking: 'full', errorMessageProvider: messages, maxLookahead: 3 });
    // Chevrotain recovers from an error inside a repetition (a block's members, a list's items) by
    // scanning ahead for a token to resume at, as far as the end of the file, and calling the
    // repetition again from within the recovery, one stack level deeper per error: 700 lines of
    // junk in a block overflowed the stack, and thousands of errors took seconds. Past
    // MAX_REPETITION_RECOVERIES the repetition just ends, and the error is recovered between
    // rules, which skips ahead without recursing. (tryInRepetitionRecovery is chevrotain's.)
    const recoverable = this as unknown as { tryInRepetitionRecovery: (...args: unknown[]) => void };
    const recover = recoverable.tryInRepetitionRecovery;
    recoverable.tryInRepetitionRecovery = (...args: unknown[]) => {
      if (this.repetitionRecoveries++ < MAX_REPETITION_RECOVERIES) recover.apply(this, args);
    };
    this.performSelfAnalysis();
  }

  /**
   * Recovery never inserts a missing '{', '[' or '(': each would open a level the text does not
   * have (a block per line of `a b`), and the nesting limit (src/syntax/nesting.ts) counts only
   * the levels written.
   */
  override canTokenTypeBeInsertedInRecovery(tokenType: TokenType): boolean {
    return tokenType !== T.LCurly && tokenType !== T.LBracket && tokenType !== T.LParen;
  }

  override reset(): void {
    super.reset();
    this.repetitionRecoveries = 0;
  }

  public file = this.RULE('file', () => {
    this.MANY(() => this.OR(this.alternatives.file ??= [
      { ALT: () => this.SUBRULE(this.importDecl) },
      { ALT: () => this.SUBRULE(this.experimentDecl) },
      { ALT: () => this.SUBRULE(this.gridDecl) },
      { ALT: () => this.SUBRULE(this.axesDecl) },
    ]));
  });

  public importDecl = this.RULE('importDecl', () => {
    this.CONSUME(T.Import);
    this.CONSUME(T.StringLiteral);
  });

  public experimentDecl = this.RULE('experimentDecl', () => {
    this.CONSUME(T.Experiment);
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.OPTION(() => {
      this.CONSUME(T.Extends);
      this.CONSUME2(T.Identifier, { LABEL: 'base' });
    });
    this.SUBRULE(this.body);
  });

  /** `{ member, member ... }`: members are separated by newlines or commas. */
  public body = this.RULE('body', () => {
    this.CONSUME(T.LCurly);
    this.MANY(() => {
      this.SUBRULE(this.member);
      this.OPTION(() => this.CONSUME(T.Comma));
    });
    this.CONSUME(T.RCurly);
  });

  /** `name = value` or `name [kind] { ... }`. */
  public member = this.RULE('member', () => {
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.OR(this.alternatives.member ??= [
      { ALT: () => {
        this.equalsLine = this.CONSUME(T.Equals).startLine ?? 0;
        // A value must start on the line of its '=': otherwise `seed =` followed by the next
        // member would silently take that member's name as its value.
        this.OR2(this.alternatives.sameLineValue ??= [{ GATE: () => this.LA(1).startLine === this.equalsLine, ALT: () => this.SUBRULE(this.value) }]);
      } },
      { ALT: () => {
        this.OPTION(() => this.CONSUME2(T.Identifier, { LABEL: 'kind' }));
        this.SUBRULE(this.body);
      } },
    ]);
  });

  public gridDecl = this.RULE('gridDecl', () => {
    this.CONSUME(T.Grid);
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.CONSUME(T.Of);
    this.CONSUME2(T.Identifier, { LABEL: 'base' });
    this.CONSUME(T.LCurly);
    this.MANY(() => {
      this.OR(this.alternatives.gridItem ??= [
        { ALT: () => this.SUBRULE(this.gridAxis) },
        { ALT: () => this.SUBRULE(this.zipBlock) },
        { ALT: () => this.SUBRULE(this.whereClause) },
        { ALT: () => this.SUBRULE(this.useClause) },
      ]);
      this.OPTION(() => this.CONSUME(T.Comma));
    });
    this.CONSUME(T.RCurly);
  });

  /**
   * `axes name { axes and zips }`: a named set of axes that grids take with `use name`. A set
   * holds no `use` (sets do not nest) and no `where` (a filter belongs to the grid that runs):
   * both are parsed so that the AST builder can say so (RK0102) instead of a cascade of errors.
   */
  public axesDecl = this.RULE('axesDecl', () => {
    this.CONSUME(T.Axes);
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.CONSUME(T.LCurly);
    this.MANY(() => {
      this.OR(this.alternatives.axesItem ??= [
        { ALT: () => this.SUBRULE(this.gridAxis) },
        { ALT: () => this.SUBRULE(this.zipBlock) },
        { ALT: () => this.SUBRULE(this.useClause) },
        { ALT: () => this.SUBRULE(this.whereClause) },
      ]);
      this.OPTION(() => this.CONSUME(T.Comma));
    });
    this.CONSUME(T.RCurly);
  });

  /** `use name`: the axes of a named set, at this place in the grid's product. */
  public useClause = this.RULE('useClause', () => {
    this.CONSUME(T.Use);
    this.CONSUME(T.Identifier, { LABEL: 'name' });
  });

  /** `path = [v, ...]`: one axis of the grid. */
  public gridAxis = this.RULE('gridAxis', () => {
    this.SUBRULE(this.path);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.value);
  });

  /** `zip { a = [..], b = [..] }`: axes that vary together, one cell per position. */
  public zipBlock = this.RULE('zipBlock', () => {
    this.CONSUME(T.Zip);
    this.CONSUME(T.LCurly);
    this.MANY(() => {
      this.SUBRULE(this.gridAxis);
      this.OPTION(() => this.CONSUME(T.Comma));
    });
    this.CONSUME(T.RCurly);
  });

  /** `where condition`: keeps only the cells for which the condition holds. */
  public whereClause = this.RULE('whereClause', () => {
    this.CONSUME(T.Where);
    this.SUBRULE(this.condition);
  });

  /** `a or b or ...`: the loosest binding; `and` binds tighter, `not` tighter still. */
  public condition = this.RULE('condition', () => {
    this.SUBRULE(this.conjunction);
    this.MANY(() => {
      this.CONSUME(T.Or);
      this.SUBRULE2(this.conjunction);
    });
  });

  public conjunction = this.RULE('conjunction', () => {
    this.SUBRULE(this.negation);
    this.MANY(() => {
      this.CONSUME(T.And);
      this.SUBRULE2(this.negation);
    });
  });

  public negation = this.RULE('negation', () => {
    this.OR(this.alternatives.negation ??= [
      { ALT: () => {
        this.CONSUME(T.Not);
        this.SUBRULE(this.negation);
      } },
      { ALT: () => {
        this.CONSUME(T.LParen);
        this.SUBRULE(this.condition);
        this.CONSUME(T.RParen);
      } },
      { ALT: () => this.SUBRULE(this.comparison) },
    ]);
  });

  /** `path op value`: a value of the cell's resolved experiment against a literal. */
  public comparison = this.RULE('comparison', () => {
    this.SUBRULE(this.path);
    this.CONSUME(T.Comparison);
    this.SUBRULE(this.value);
  });

  public path = this.RULE('path', () => {
    this.CONSUME(T.Identifier);
    this.MANY(() => {
      this.CONSUME(T.Dot);
      this.CONSUME2(T.Identifier);
    });
  });

  public value = this.RULE('value', () => {
    this.OR(this.alternatives.value ??= [
      { ALT: () => {
        this.CONSUME(T.NumberLiteral, { LABEL: 'low' });
        this.OPTION(() => {
          this.CONSUME(T.DotDot);
          this.CONSUME2(T.NumberLiteral, { LABEL: 'high' });
        });
      } },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      { ALT: () => this.CONSUME(T.None) },
      { ALT: () => this.CONSUME3(T.Identifier) },
      { ALT: () => this.SUBRULE(this.list) },
      // `{ members }`: a block, as a grid axis or an override adds it to a cell.
      { ALT: () => this.SUBRULE(this.body) },
    ]);
  });

  public list = this.RULE('list', () => {
    this.CONSUME(T.LBracket);
    this.OPTION(() => {
      this.SUBRULE(this.value);
      // The gate leaves a trailing comma before ']' to the optional comma below.
      this.MANY({ GATE: () => this.LA(2).tokenType !== T.RBracket, DEF: () => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.value);
      } });
      this.OPTION2(() => this.CONSUME2(T.Comma));
    });
    this.CONSUME(T.RBracket);
  });

  /** A `--set path=value` override, parsed with the same value grammar. */
  public override = this.RULE('override', () => {
    this.SUBRULE(this.path);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.value);
  });
}

/** One parser instance is reused: chevrotain's self-analysis is the costly part. */
let shared: RekdParser | null = null;
export function rekdParser(): RekdParser {
  shared ??= new RekdParser();
  return shared;
}
