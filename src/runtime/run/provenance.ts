/**
 * Where a run's figures come from: the rekd package (version, git commit when it is a checkout),
 * the machine (CPU model, cores) and the Node.js version. Read once per process.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface RekdPackage {
  version: string;
  /** The folder holding rekd's package.json. */
  root: string;
}

/**
 * This package's package.json, the nearest one named `rekd` above this module (from a cached
 * bundle of the CLI, node_modules/.cache/rekd/cli-*, too).
 */
function findPackage(): RekdPackage {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version: string };
      if (manifest.name === 'rekd') return { version: manifest.version, root: dir };
    }
    if (dirname(dir) === dir) throw new Error(`no package.json of rekd above ${fileURLToPath(import.meta.url)}`);
  }
}

let found: RekdPackage | undefined;
export function rekdPackage(): RekdPackage {
  found ??= findPackage();
  return found;
}

export interface RekdBuild {
  version: string;
  /** The commit checked out where rekd is installed, `+dirty` with uncommitted changes; absent outside a git checkout or without git. */
  commit?: string;
}

function gitCommit(root: string): string | undefined {
  const git = (...args: string[]) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim();
  try {
    // Only the checkout rekd itself lives in (not one that merely contains an installed copy).
    if (git('rev-parse', '--show-toplevel') !== root) return undefined;
    const commit = git('rev-parse', 'HEAD');
    return git('status', '--porcelain', '--untracked-files=no') === '' ? commit : `${commit}+dirty`;
  } catch {
    return undefined;
  }
}

let build: RekdBuild | undefined;
export function rekdBuild(): RekdBuild {
  if (!build) {
    const { version, root } = rekdPackage();
    const commit = gitCommit(root);
    build = commit === undefined ? { version } : { version, commit };
  }
  return build;
}

export interface MachineInfo {
  /** The CPU model as the system names it (os.cpus(), from /proc/cpuinfo on Linux). */
  cpu: string;
  /** Logical cores this process may use. */
  cores: number;
  platform: string;
  node: string;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() || 'unknown', cores: os.availableParallelism(),
    platform: `${os.platform()} ${os.arch()}`, node: process.version,
  };
}
