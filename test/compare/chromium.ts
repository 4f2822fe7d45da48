/**
 * Debian's Chromium, headless, started per call: a page's DOM after its scripts ran, what it
 * printed to the console, and a screenshot. Console messages come from Chromium's own log
 * (`--enable-logging=stderr`), where every console call and uncaught error appears as a CONSOLE line.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

export const CHROMIUM = '/usr/bin/chromium';

/** Why the browser cannot be used here, or undefined when it can. */
export function chromiumMissing(): string | undefined {
  return fs.existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is not installed (Debian package chromium; .ci/run installs it)`;
}

export interface LoadedPage {
  /** The DOM serialised after the page's scripts ran. */
  dom: string;
  /** The page's console messages and uncaught errors, one per line as Chromium logs them. */
  console: string[];
}

/** Time the page's scripts get before the DOM is read (virtual time: it runs as fast as the page allows). */
const BUDGET_MS = 10_000;

function chromium(args: string[]): { stdout: string; stderr: string } {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'rekd-chromium-'));
  try {
    const result = spawnSync(CHROMIUM, [
      '--headless=new', '--disable-gpu', '--no-first-run', '--hide-scrollbars', `--user-data-dir=${profile}`,
      // The sandbox needs user namespaces, which containers (and root) often lack.
      '--no-sandbox', `--virtual-time-budget=${BUDGET_MS}`, ...args,
    ], { encoding: 'utf8', timeout: 90_000, maxBuffer: 64 << 20 });
    if (result.error) throw result.error;
    if (result.status !== 0) throw new Error(`chromium exited with ${result.status}: ${result.stderr.slice(-2000)}`);
    return result;
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

export function loadPage(file: string): LoadedPage {
  const { stdout, stderr } = chromium(['--enable-logging=stderr', '--v=0', '--dump-dom', pathToFileURL(path.resolve(file)).href]);
  return { dom: stdout, console: stderr.split('\n').filter((line) => /:CONSOLE\b/.test(line)) };
}

export function screenshot(file: string, png: string, size = { width: 1200, height: 2300 }): void {
  fs.mkdirSync(path.dirname(png), { recursive: true });
  chromium([`--window-size=${size.width},${size.height}`, `--screenshot=${path.resolve(png)}`, pathToFileURL(path.resolve(file)).href]);
  if (!fs.existsSync(png)) throw new Error(`chromium wrote no screenshot to ${png}`);
}
