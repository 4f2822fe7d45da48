/** `rekdc check <files...>`: exit 0 clean, 1 when any file has errors. */
import { compileFile, renderDiagnostics, type Diagnostic } from '../compiler.ts';
import { summary } from '../diagnostics/render.ts';
import { UsageError, useColor, type Args } from './args.ts';

export const CHECK_USAGE = 'rekdc check <files...> [--set path=value]... [--format text|json] [--max N]';

export function check(args: Args): number {
  if (args.positionals.length === 0) throw new UsageError(`no file given\nusage: ${CHECK_USAGE}`);
  const all: Diagnostic[] = [];
  const texts: string[] = [];
  for (const file of args.positionals) {
    const result = compileFile(file, { overrides: args.overrides });
    all.push(...result.diagnostics);
    if (args.format === 'text' && result.diagnostics.length) {
      texts.push(renderDiagnostics(result.diagnostics, result.sources, { max: args.max, color: useColor(), summary: false }));
    }
  }
  if (args.format === 'json') {
    process.stdout.write(`${renderDiagnostics(all, new Map(), { format: 'json' })}\n`);
  } else {
    process.stdout.write([...texts, `${args.positionals.length === 1 ? args.positionals[0] : `${args.positionals.length} files`}: ${summary(all)}`].join('\n\n') + '\n');
  }
  return all.some((d) => d.severity === 'error') ? 1 : 0;
}
