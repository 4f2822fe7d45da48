/**
 * The VS Code client of the rekd language server: starts `rekdc lsp --stdio` (the setting
 * `rekd.server.path`, else the workspace's node_modules/.bin/rekdc, else rekdc on the PATH) for
 * .rekd files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { workspace, type ExtensionContext } from 'vscode';
import { LanguageClient, TransportKind, type ServerOptions } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

function rekdcCommand(): string {
  const configured = workspace.getConfiguration('rekd').get<string>('server.path');
  if (configured) return configured;
  const bin = process.platform === 'win32' ? 'rekdc.cmd' : 'rekdc';
  for (const folder of workspace.workspaceFolders ?? []) {
    const local = path.join(folder.uri.fsPath, 'node_modules', '.bin', bin);
    if (fs.existsSync(local)) return local;
  }
  return bin;
}

export async function activate(context: ExtensionContext): Promise<void> {
  const command = rekdcCommand();
  const server: ServerOptions = { command, args: ['lsp', '--stdio'], transport: TransportKind.stdio, options: { shell: process.platform === 'win32' } };
  client = new LanguageClient('rekd', 'rekd language server', server, { documentSelector: [{ language: 'rekd' }] });
  context.subscriptions.push({ dispose: () => void client?.stop() });
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
