/**
 * What the commands that compile a file share: load it (src/runs/load.ts) and show its
 * diagnostics (stderr, or in the command's JSON). Null when the file has errors: the caller exits
 * with 1.
 */
import type { Diagnostic } from '../compiler.ts';
import type { CompiledFile } from '../runs/compiled-file.ts';
import { loadExperiments, loadGrid, type LoadedGrid, type LoadFailure } from '../runs/load.ts';
import { showDiagnostics, showFailure, type Format } from './diagnostics-output.ts';

/** Shows what was loaded's diagnostics; null for a failure (shown as such). */
function shown<T extends { ok: true; diagnostics: Diagnostic[]; sources: Map<string, string> }>(loaded: LoadFailure | T, format: Format): T | null {
  if (!loaded.ok) {
    showFailure(loaded.diagnostics, loaded.sources, format);
    return null;
  }
  showDiagnostics(loaded.diagnostics, loaded.sources, format);
  return loaded;
}

/** For `compile`, `run` and `preview`: every experiment of `file`, or the one `name` names. */
export function compileExperiments(file: string, overrides: readonly string[], name: string | undefined, command: string,
  format: Format = 'text'): { compiled: CompiledFile; diagnostics: Diagnostic[] } | null {
  return shown(loadExperiments(file, overrides, name, command), format);
}

/** For `plan` and `grid`: the grid `name` of `file`. */
export const compileGrid = (file: string, name: string, overrides: readonly string[], format: Format = 'text'): LoadedGrid | null =>
  shown(loadGrid(file, name, overrides), format);
