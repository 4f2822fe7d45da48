/**
 * The language server (`rekdc lsp --stdio`): diagnostics on every change, completion, hover, go to
 * definition, document symbols and quick fixes over the compiler. An edit recompiles the document
 * and every open document that imports it.
 */
import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind, type Connection } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { displayName } from '../tree/modules.ts';
import { Analysis, readerOf, uriPath } from './analysis.ts';
import { quickFixes } from './code-actions.ts';
import { completion } from './completion.ts';
import { definition } from './definition.ts';
import { formatting } from './formatting.ts';
import { lspDiagnostics } from './diagnostics.ts';
import { hover } from './hover.ts';
import { documentSymbols } from './symbols.ts';

export function serve(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const byPath = new Map<string, TextDocument>();
  const analyses = new Map<string, Analysis>();
  const readFile = readerOf((absolutePath) => byPath.get(absolutePath)?.getText());

  /** Documents whose analysis is older than an edit of a file they import. */
  const stale = new Set<string>();
  /** The document compiled at its current version (compiled again only after an edit, from its previous analysis). */
  const analysis = (uri: string): Analysis | null => {
    const document = documents.get(uri);
    if (!document) return null;
    const cached = analyses.get(uri);
    if (cached && cached.text === document.getText() && !stale.has(uri)) return cached;
    const fresh = new Analysis(uri, document.getText(), readFile, cached);
    analyses.set(uri, fresh);
    stale.delete(uri);
    return fresh;
  };
  const publish = (uri: string): void => {
    const current = analysis(uri);
    if (current) void connection.sendDiagnostics({ uri, diagnostics: lspDiagnostics(current) });
  };

  documents.onDidChangeContent(({ document }) => {
    byPath.set(uriPath(document.uri), document);
    const name = displayName(uriPath(document.uri));
    publish(document.uri);
    const importers = [...analyses].filter(([uri, other]) => uri !== document.uri && other.reads(name)).map(([uri]) => uri);
    for (const uri of importers) {
      stale.add(uri);
      publish(uri);
    }
  });
  documents.onDidClose(({ document }) => {
    byPath.delete(uriPath(document.uri));
    analyses.delete(document.uri);
    stale.delete(document.uri);
    void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
  });

  connection.onInitialize(() => ({
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      completionProvider: { triggerCharacters: ['.', ' ', '='] },
      hoverProvider: true,
      definitionProvider: true,
      documentSymbolProvider: true,
      codeActionProvider: true,
      documentFormattingProvider: true,
    },
    serverInfo: { name: 'rekd' },
  }));
  const at = (uri: string, position: { line: number; character: number }) => {
    const document = documents.get(uri);
    const current = analysis(uri);
    return document && current ? { current, offset: document.offsetAt(position) } : null;
  };
  connection.onCompletion(({ textDocument, position }) => {
    const found = at(textDocument.uri, position);
    return found ? completion(found.current, found.offset) : [];
  });
  connection.onHover(({ textDocument, position }) => {
    const found = at(textDocument.uri, position);
    return found && hover(found.current, found.offset);
  });
  connection.onDefinition(({ textDocument, position }) => {
    const found = at(textDocument.uri, position);
    return found && definition(found.current, found.offset);
  });
  connection.onDocumentSymbol(({ textDocument }) => {
    const current = analysis(textDocument.uri);
    return current ? documentSymbols(current) : [];
  });
  connection.onDocumentFormatting(({ textDocument }) => {
    const current = analysis(textDocument.uri);
    return current ? formatting(current) : [];
  });
  connection.onCodeAction(({ textDocument, context }) => quickFixes(textDocument.uri, context.diagnostics));

  documents.listen(connection);
  connection.listen();
}

/** Serves on standard input and output, as editors start it. */
export function serveStdio(): void {
  serve(createConnection(ProposedFeatures.all, process.stdin, process.stdout));
}
