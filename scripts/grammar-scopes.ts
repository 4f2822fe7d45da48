/**
 * Golden tokenisation of the VS Code grammar (editors/vscode/syntaxes/rekd.tmLanguage.json): every
 * experiments/*.rekd tokenised with vscode-textmate + vscode-oniguruma, one line per token
 * (`line:column 'text' scopes`), written to test/editor/scopes/<file>.scopes by
 * `npm run grammar-scopes`; test/editor/grammar.test.ts tokenises again and fails on any difference.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import oniguruma from 'vscode-oniguruma';
import textmate from 'vscode-textmate';

const root = fileURLToPath(new URL('..', import.meta.url));
export const GRAMMAR = path.join(root, 'editors/vscode/syntaxes/rekd.tmLanguage.json');
export const SCOPES_DIR = path.join(root, 'test/editor/scopes');
const EXPERIMENTS = path.join(root, 'experiments');

export const experimentFiles = (): string[] => readdirSync(EXPERIMENTS).filter((f) => f.endsWith('.rekd')).sort();
export const scopesPath = (file: string): string => path.join(SCOPES_DIR, file.replace(/\.rekd$/, '.scopes'));

let grammar: Promise<textmate.IGrammar> | undefined;

function loadGrammar(): Promise<textmate.IGrammar> {
  grammar ??= (async () => {
    const wasm = readFileSync(createRequire(import.meta.url).resolve('vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new textmate.Registry({
      onigLib: Promise.resolve({ createOnigScanner: (p: string[]) => new oniguruma.OnigScanner(p), createOnigString: (s: string) => new oniguruma.OnigString(s) }),
      loadGrammar: async () => textmate.parseRawGrammar(readFileSync(GRAMMAR, 'utf8'), GRAMMAR),
    });
    const loaded = await registry.loadGrammar('source.rekd');
    if (!loaded) throw new Error(`cannot load ${GRAMMAR}`);
    return loaded;
  })();
  return grammar;
}

/** Every token of `text` but whitespace, with its scopes below the file's own (`source.rekd`). */
export async function tokenise(text: string): Promise<string> {
  const rekd = await loadGrammar();
  const out: string[] = [];
  let state = textmate.INITIAL;
  text.split(/\r\n?|\n/).forEach((line, index) => {
    const result = rekd.tokenizeLine(line, state);
    for (const token of result.tokens) {
      const piece = line.slice(token.startIndex, token.endIndex);
      if (piece.trim() === '') continue;
      out.push(`${index + 1}:${token.startIndex + 1} ${JSON.stringify(piece)} ${token.scopes.slice(1).join(' ') || '-'}`);
    }
    state = result.ruleStack;
  });
  return `${out.join('\n')}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const file of experimentFiles()) writeFileSync(scopesPath(file), await tokenise(readFileSync(path.join(EXPERIMENTS, file), 'utf8')));
  console.log(`wrote ${experimentFiles().length} scope files in ${path.relative(root, SCOPES_DIR)}`);
}
