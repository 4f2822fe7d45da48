import { expect } from 'chai';
import { typeCheckProgram } from '../../src/codegen/typecheck.ts';
import { CODES } from '../../src/diagnostics/codes.ts';
import { diagnostic, wrapDiagnostic } from '../../src/diagnostics/diagnostic.ts';

describe('the diagnostic code table', () => {
  it('gives every code a severity, and diagnostic() takes it from the table', () => {
    for (const [code, { severity, title }] of Object.entries(CODES)) {
      expect(code).to.match(/^RK\d{4}$/);
      expect(['error', 'warning', 'note', 'wrapped'], code).to.include(severity);
      expect(title, code).to.not.equal('');
    }
    expect(diagnostic('RK0508', 'unused', null).severity).to.equal('warning');
    expect(diagnostic('RK0505', 'same', null).severity).to.equal('note');
    expect(diagnostic('RK0301', 'type', null).severity).to.equal('error');
  });

  it('gives a wrapping code (RK0804) the severity of the diagnostic it wraps', () => {
    expect(Object.entries(CODES).filter(([, c]) => c.severity === 'wrapped').map(([code]) => code)).to.deep.equal(['RK0804']);
    for (const inner of [diagnostic('RK0508', 'w', null), diagnostic('RK0502', 'e', null), diagnostic('RK0505', 'n', null)]) {
      const wrapped = wrapDiagnostic('RK0804', inner, `cell 0: ${inner.message}`, null, { notes: ['n'] });
      expect(wrapped).to.deep.equal({ severity: inner.severity, code: 'RK0804', message: `cell 0: ${inner.message}`, span: null, notes: ['n'] });
    }
  });

  it('does not compile a code outside the table, a severity argument, a wrapping code given to diagnostic(), or a rule reporting another code', function () {
    this.timeout(60_000);
    const lines = [
      "import { diagnostic, wrapDiagnostic, type Diagnostic } from '../../src/diagnostics/diagnostic.ts';",
      "import type { Code } from '../../src/diagnostics/codes.ts';",
      "import type { FileRule } from '../../src/check/rule.ts';",
      "export const fine: Diagnostic = diagnostic('RK0301', 'm', null);",
      "export const wrapped: Diagnostic = wrapDiagnostic('RK0804', fine, 'm', null);",
      "export const own: FileRule<'RK0802'> = { code: 'RK0802', checkFile(file, report) { report(diagnostic(this.code, 'm', null)); } };",
      "export const unknown = diagnostic('RK0999', 'm', null);",
      "export const severity = diagnostic('warning', 'RK0301', 'm', null);",
      "export const free = diagnostic('RK0804', 'm', null);",
      "export const notWrapping = wrapDiagnostic('RK0301', fine, 'm', null);",
      "export const code: Code = 'RK9999';",
      "export const foreign: FileRule<'RK0802'> = { code: 'RK0802', checkFile(file, report) { report(diagnostic('RK0805', 'm', null)); } };",
    ];
    const problems = typeCheckProgram(lines.join('\n'), 'test/language/codes-snippet.ts');
    expect(problems.map((p) => p.line)).to.deep.equal([7, 8, 9, 10, 11, 12]);
  });
});
