/**
 * Drives the real language server over stdio as an editor does (`node bin/rekdc.js lsp --stdio`,
 * JSON-RPC with Content-Length framing): diagnostics after open and change, completion, hover,
 * definition, symbols and quick fixes, on a file that imports another.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect } from 'chai';
import {
  createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection,
  type CodeAction, type CompletionItem, type Diagnostic, type DocumentSymbol, type Hover, type Location, type TextEdit,
} from 'vscode-languageserver/node';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const BASE = `experiment base {
  data synthetic { count = 64, test_count = 32 }
  student alexnet { width = 0.25 }
  schedule cosine { epochs = 1 }
  batch_size = 16
  loss { instance moco { weight = 1 } }
}
`;
const MAIN = `import "base.rekd"

experiment tuned extends base {
  seed = 3
  optimizer sgd { lr = 0.1 }
}

grid seeds of tuned {
  seed = [1, 2]
}
`;

describe('rekdc lsp --stdio', function () {
  this.timeout(60_000);
  let folder: string;
  let server: ChildProcess;
  let connection: MessageConnection;
  const published = new Map<string, Diagnostic[][]>();
  let uri: string;

  /** The next diagnostics published for `target` after `action`. */
  async function diagnosticsAfter(target: string, action: () => void): Promise<Diagnostic[]> {
    const seen = published.get(target)?.length ?? 0;
    action();
    for (let waited = 0; waited < 30_000; waited += 20) {
      const list = published.get(target) ?? [];
      if (list.length > seen) return list[list.length - 1];
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no diagnostics published for ${target}`);
  }
  const position = (text: string, needle: string, plus = 0) => {
    const offset = text.indexOf(needle) + plus;
    const before = text.slice(0, offset).split('\n');
    return { line: before.length - 1, character: before[before.length - 1].length };
  };

  before(async () => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'rekd-lsp-'));
    fs.writeFileSync(path.join(folder, 'base.rekd'), BASE);
    fs.writeFileSync(path.join(folder, 'main.rekd'), MAIN);
    uri = pathToFileURL(path.join(folder, 'main.rekd')).href;
    server = spawn(process.execPath, [path.join(root, 'bin/rekdc.js'), 'lsp', '--stdio'], { cwd: folder, stdio: ['pipe', 'pipe', 'inherit'] });
    connection = createMessageConnection(new StreamMessageReader(server.stdout!), new StreamMessageWriter(server.stdin!));
    connection.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: Diagnostic[] }) => {
      published.set(p.uri, [...(published.get(p.uri) ?? []), p.diagnostics]);
    });
    connection.listen();
    const init = await connection.sendRequest('initialize', { processId: null, rootUri: pathToFileURL(folder).href, capabilities: {} }) as
      { capabilities: Record<string, unknown> };
    expect(init.capabilities).to.include.keys('completionProvider', 'hoverProvider', 'definitionProvider', 'documentSymbolProvider', 'codeActionProvider', 'documentFormattingProvider');
    await connection.sendNotification('initialized', {});
  });

  after(async () => {
    if (connection) {
      await connection.sendRequest('shutdown');
      const exited = new Promise<number | null>((resolve) => server.once('exit', resolve));
      await connection.sendNotification('exit');
      expect(await exited).to.equal(0);
      connection.dispose();
    }
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('publishes no diagnostics for a clean file that imports another', async () => {
    const diagnostics = await diagnosticsAfter(uri, () => {
      void connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'rekd', version: 1, text: MAIN } });
    });
    expect(diagnostics).to.deep.equal([]);
  });

  it('publishes the diagnostics of rekdc check after a change, with a quick fix for a did-you-mean', async () => {
    const at = position(MAIN, 'seed = 3');
    const diagnostics = await diagnosticsAfter(uri, () => {
      void connection.sendNotification('textDocument/didChange', {
        textDocument: { uri, version: 2 },
        contentChanges: [{ range: { start: at, end: { line: at.line, character: at.character + 4 } }, text: 'sed' }],
      });
    });
    expect(diagnostics).to.have.length(1);
    expect(diagnostics[0]).to.include({ code: 'RK0201', source: 'rekd' });
    expect(diagnostics[0].message).to.contain("unknown attribute 'sed'").and.contain("did you mean 'seed'");
    expect(diagnostics[0].range).to.deep.equal({ start: at, end: { line: at.line, character: at.character + 3 } });
    const actions = await connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: diagnostics[0].range, context: { diagnostics } }) as CodeAction[];
    expect(actions).to.have.length(1);
    expect(actions[0].edit?.changes?.[uri]).to.deep.equal([{ range: diagnostics[0].range, newText: 'seed' }]);
  });

  it('shows a problem of an unsaved imported document at the import', async () => {
    const baseUri = pathToFileURL(path.join(folder, 'base.rekd')).href;
    const broken = BASE.replace('width = 0.25', 'width = -1');
    const diagnostics = await diagnosticsAfter(uri, () => {
      void connection.sendNotification('textDocument/didOpen', { textDocument: { uri: baseUri, languageId: 'rekd', version: 1, text: broken } });
    });
    const range = diagnostics.find((d) => String(d.message).startsWith('base.rekd:3:'))?.range;
    expect(range, JSON.stringify(diagnostics)).to.deep.equal({ start: { line: 0, character: 7 }, end: { line: 0, character: 18 } });
    await diagnosticsAfter(uri, () => {
      void connection.sendNotification('textDocument/didClose', { textDocument: { uri: baseUri } });
      // The importer is recompiled when it changes next: restore it as it was on disk.
      void connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 3 }, contentChanges: [{ text: MAIN }] });
    });
  });

  it('completes attribute names, kinds and enum values from the catalog', async () => {
    const text = `${MAIN}experiment more extends base {\n  teacher \n  optimizer sgd {  }\n  backend = \n}\n`;
    await diagnosticsAfter(uri, () => {
      void connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 4 }, contentChanges: [{ text }] });
    });
    const complete = async (needle: string, plus: number) =>
      await connection.sendRequest('textDocument/completion', { textDocument: { uri }, position: position(text, needle, plus) }) as CompletionItem[];
    const kinds = (await complete('  teacher \n', 10)).map((i) => i.label);
    expect(kinds).to.include.members(['resnet18', 'alexnet']);
    const optimizer = await complete('optimizer sgd {  }', 16);
    const lr = optimizer.find((i) => i.label === 'lr');
    expect(lr?.documentation).to.have.property('value').that.contains('learning rate');
    expect((await complete('backend = \n', 10)).map((i) => i.label)).to.include.members(['auto', 'wasm', 'cpu']);
  });

  it('hovers on an attribute with its meaning, default and where the resolved value came from', async () => {
    await diagnosticsAfter(uri, () => {
      void connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 5 }, contentChanges: [{ text: MAIN }] });
    });
    const hover = await connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: position(MAIN, 'lr = 0.1', 1) }) as Hover;
    const value = (hover.contents as { value: string }).value;
    expect(value).to.contain('**lr**').and.contain('default:').and.contain('in `tuned`: `0.1`, from main.rekd:5');
    const kind = await connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: position(MAIN, 'sgd', 1) }) as Hover;
    expect((kind.contents as { value: string }).value).to.match(/^\*\*sgd\*\*/);
  });

  it('goes to the imported file and to the base of extends and of', async () => {
    const definition = async (needle: string) =>
      await connection.sendRequest('textDocument/definition', { textDocument: { uri }, position: position(MAIN, needle, 1) }) as Location;
    expect((await definition('"base.rekd"')).uri).to.equal(pathToFileURL(path.join(folder, 'base.rekd')).href);
    const base = await definition('base {');
    expect(base.uri).to.equal(pathToFileURL(path.join(folder, 'base.rekd')).href);
    expect(base.range.start).to.deep.equal({ line: 0, character: 11 });
    const of = await definition('tuned {');
    expect(of).to.deep.equal({ uri, range: { start: position(MAIN, 'tuned'), end: position(MAIN, 'tuned', 5) } });
  });

  it('formats the document as rekdc fmt does, and leaves a formatted one alone', async () => {
    const untidy = MAIN.replace('  seed = 3', '    seed=3').replace('seed = [1, 2]', 'seed=[1,2]');
    await diagnosticsAfter(uri, () => {
      void connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 6 }, contentChanges: [{ text: untidy }] });
    });
    const format = async () => await connection.sendRequest('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } }) as TextEdit[];
    const edits = await format();
    expect(edits).to.have.length(1);
    expect(edits[0].newText).to.equal(MAIN);
    expect(edits[0].range.start).to.deep.equal({ line: 0, character: 0 });
    await diagnosticsAfter(uri, () => {
      void connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 7 }, contentChanges: [{ text: MAIN }] });
    });
    expect(await format()).to.deep.equal([]);
  });

  it('lists the experiments and grids as document symbols', async () => {
    const symbols = await connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri } }) as DocumentSymbol[];
    expect(symbols.map((s) => [s.name, s.detail])).to.deep.equal([['tuned', 'experiment extends base'], ['seeds', 'grid of tuned']]);
    expect(symbols[0].children?.map((c) => c.name)).to.deep.equal(['optimizer sgd']);
  });
});
