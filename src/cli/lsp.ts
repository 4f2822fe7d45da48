/** `rekdc lsp --stdio`: the language server editors start (src/lsp/). */
import { UsageError } from '../runs/usage-error.ts';
import { defineCommand } from './command.ts';

export const lsp = defineCommand({
  name: 'lsp',
  operands: '',
  count: [0, 0],
  summary: 'run the language server for editors (diagnostics, completion, hover, definitions) on standard input and output',
  details: ['Editors start it as `rekdc lsp --stdio`; docs/editor.md describes the VS Code extension.'],
  options: { stdio: { kind: 'flag', help: 'speak the Language Server Protocol on standard input and output (the only transport)' } },
  async run({ options }) {
    if (!options.stdio) throw new UsageError('--stdio is needed: standard input and output are the only transport');
    // Loaded here, not at start-up: every other command would pay for the protocol library.
    const { serveStdio } = await import('../lsp/server.ts');
    serveStdio();
    // The connection keeps the process alive; it exits when the editor sends `exit`.
    return await new Promise<number>(() => {});
  },
});
