/**
 * Language-server benchmark (issue 16): the time from a change of a generated 2,000-line .rekd file
 * (bench/parse.ts's) to its diagnostics, through the real server over stdio as an editor sees it
 * (`node bin/rekdc.js lsp --stdio`); target within 100 ms. Each change writes a different value,
 * so every one is compiled. The figures next to it are compileSource alone on the same texts in
 * this process: from the previous version's result, as the server compiles (the part of the delay
 * that is the compiler's), and from scratch, as `rekdc check` compiles.
 * `npm run bench -- --only=lsp`.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as path from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import { compileSource } from '../src/compiler.ts';
import { generateRekdFile } from './parse.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export interface LspBenchResult {
  lines: number;
  changes: number;
  diagnosticsMs: number;
  /** compileSource of each changed text from the previous one's result (`previous`). */
  incrementalMs: number;
  /** compileSource of each changed text from scratch. */
  compileMs: number;
}

export async function measureLsp(changes = 15): Promise<LspBenchResult> {
  const text = generateRekdFile();
  const uri = pathToFileURL(path.join(root, 'bench-generated.rekd')).href;
  const server = spawn(process.execPath, [path.join(root, 'bin/rekdc.js'), 'lsp', '--stdio'], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createMessageConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));
  let published: () => void = () => {};
  connection.onNotification('textDocument/publishDiagnostics', () => published());
  connection.listen();
  const diagnosed = (send: () => void): Promise<number> => new Promise((resolve) => {
    const start = performance.now();
    published = () => resolve(performance.now() - start);
    send();
  });
  await connection.sendRequest('initialize', { processId: null, rootUri: pathToFileURL(root).href, capabilities: {} });
  await connection.sendNotification('initialized', {});
  await diagnosed(() => void connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'rekd', version: 0, text } }));
  const times: number[] = [];
  const incrementalTimes: number[] = [];
  const compileTimes: number[] = [];
  let previous = compileSource(text, 'bench-generated.rekd');
  for (let version = 1; version <= changes; version += 1) {
    const changed = text.replace('seed = ', `seed = ${version}`);
    times.push(await diagnosed(() => void connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text: changed }] })));
    const started = performance.now();
    previous = compileSource(changed, 'bench-generated.rekd', { previous });
    incrementalTimes.push(performance.now() - started);
    const start = performance.now();
    compileSource(changed, 'bench-generated.rekd');
    compileTimes.push(performance.now() - start);
  }
  await connection.sendRequest('shutdown');
  await connection.sendNotification('exit');
  connection.dispose();
  return { lines: text.split('\n').length, changes, diagnosticsMs: median(times), incrementalMs: median(incrementalTimes), compileMs: median(compileTimes) };
}

export async function benchLsp(): Promise<LspBenchResult> {
  const result = await measureLsp();
  console.log(`lsp: diagnostics of a ${result.lines}-line file ${result.diagnosticsMs.toFixed(1)} ms after a change ` +
    `(median of ${result.changes}; target 100 ms); compileSource alone ${result.incrementalMs.toFixed(1)} ms from the previous result, ` +
    `${result.compileMs.toFixed(1)} ms from scratch`);
  return result;
}
