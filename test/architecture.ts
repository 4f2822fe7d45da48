/**
 * What test/architecture.test.ts checks with: the layer table of docs/architecture.md, the
 * relative imports of a source file, the imports a table forbids, and import cycles (Tarjan's
 * strongly connected components).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface FileImports {
  file: string;
  /** Absolute paths of the files it imports. */
  targets: string[];
}

/** Folder -> the folders it may import, from the rows between the table markers. */
export function readLayerTable(markdown: string): Map<string, string[]> {
  const start = markdown.indexOf('<!-- architecture-table:start -->');
  const end = markdown.indexOf('<!-- architecture-table:end -->');
  if (start < 0 || end < start) throw new Error('docs/architecture.md has no architecture-table markers');
  const table = new Map<string, string[]>();
  for (const line of markdown.slice(start, end).split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const folder = /^`([\w-]+)`$/.exec(cells[1] ?? '')?.[1];
    if (folder === undefined) continue;
    table.set(folder, [...(cells[3] ?? '').matchAll(/`([\w-]+)`/g)].map((m) => m[1]));
  }
  return table;
}

/** Every .ts, .mts and .mjs file under `root` (declaration files excepted). */
export function sourceFiles(root: string): string[] {
  return fs.readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((name) => /\.(ts|mts|mjs)$/.test(name) && !/\.d\.m?ts$/.test(name))
    .map((name) => path.join(root, name))
    .sort();
}

const STATIC = /^\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\bfrom\s+)?['"]([^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The files `file` imports by relative path (packages and node: builtins are not layers). */
export function importsOf(file: string, text: string): string[] {
  const specifiers = [...text.matchAll(STATIC), ...text.matchAll(DYNAMIC)].map((m) => m[1]);
  return specifiers.filter((s) => s.startsWith('.')).map((s) => path.resolve(path.dirname(file), s));
}

/** The layer of a file: its folder under `root`, or its stem for a file directly in `root` (compiler.ts). */
export function folderOf(root: string, file: string): string {
  const [first, ...rest] = path.relative(root, file).split(path.sep);
  return rest.length === 0 ? first.replace(/\.[cm]?[jt]s$/, '') : first;
}

/** One line per import from a folder to another its row does not allow (imports leaving `root` are not checked here). */
export function violations(root: string, imports: readonly FileImports[], table: ReadonlyMap<string, readonly string[]>): string[] {
  const found: string[] = [];
  for (const { file, targets } of imports) {
    const from = folderOf(root, file);
    for (const target of targets) {
      if (path.relative(root, target).startsWith('..')) continue;
      const to = folderOf(root, target);
      const allowed = table.get(from) ?? [];
      if (to !== from && !allowed.includes(to)) {
        found.push(`${path.relative(root, file)} imports ${path.relative(root, target)} (${from} may import ${allowed.join(', ') || 'nothing else'})`);
      }
    }
  }
  return found;
}

/** The groups of files that import each other, directly or through others. */
export function importCycles(imports: readonly FileImports[]): string[][] {
  const edges = new Map(imports.map(({ file, targets }) => [file, targets]));
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (file: string) => {
    order.set(file, order.size);
    low.set(file, order.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const target of edges.get(file) ?? []) {
      if (!edges.has(target)) continue;
      if (!order.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file)!, order.get(target)!));
      }
    }
    if (low.get(file) !== order.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1) cycles.push(component);
  };
  for (const file of edges.keys()) if (!order.has(file)) visit(file);
  return cycles;
}
