/**
 * `rekdc explain <file> [name]`: the resolved experiment (or each cell of a grid, or one cell) with every
 * default filled in and, per value, where it came from: default, file:line, or an override.
 */
import { compileFile, scopedDiagnostics, type CompileResult, type ProvenanceMap, type ResolvedExperiment } from '../compiler.ts';
import { originText as origin } from '../tree/origin-text.ts';
import { bodySpec } from '../tree/spec.ts';
import { EXPERIMENT, type BlockSpec, type ValueType } from '../schema/catalog.ts';
import { UsageError } from '../runs/usage-error.ts';
import { defineCommand } from './command.ts';
import { FORMAT, SET } from './common-options.ts';
import { findCell, gridOfCell, missingCell, unknownName } from '../runs/load.ts';
import { printJson, showDiagnostics, showFailure } from './diagnostics-output.ts';

/** A resolved value written as the language writes it (`auto`, `0.2 .. 1`, `"path"`, `none`). */
function written(value: unknown, type: ValueType): string {
  if (value === null) return 'none';
  if (type.t === 'range') return `${(value as number[])[0]} .. ${(value as number[])[1]}`;
  if (type.t === 'int_list') return `[${(value as number[]).join(', ')}]`;
  if (type.t === 'string' || type.t === 'path') return JSON.stringify(value);
  return String(value);
}

type Lines = Array<[string, string]>;

/** Lines `name = value` with their origin column, blocks as `name [kind]` with their members indented. */
function lines(value: Record<string, unknown>, spec: BlockSpec, provenance: ProvenanceMap, path: string, depth: number, out: Lines): void {
  const indent = '  '.repeat(depth + 1);
  const at = (key: string) => (path ? `${path}.${key}` : key);
  for (const [name, attribute] of Object.entries(spec.attributes)) {
    out.push([`${indent}${name} = ${written(value[name], attribute.type)}`, origin(provenance.get(at(name)))]);
  }
  for (const [key, slot] of Object.entries(spec.slots)) {
    const v = value[key] as Record<string, unknown> | Array<Record<string, unknown>> | null;
    const label = slot.form === 'list' && slot.variant ? `${slot.variant.base} ${slot.variant.word}` : key;
    if (v === null) {
      out.push([`${indent}${label} = none`, origin(provenance.get(at(key)))]);
    } else if (Array.isArray(v) && slot.form === 'list') {
      out.push([`${indent}${label}`, origin(provenance.get(at(key)))]);
      for (const item of v) {
        const op = String(item.op);
        out.push([`${indent}  ${op}`, origin(provenance.get(`${at(key)}.${op}`))]);
        lines(item, slot.items[op], provenance, `${at(key)}.${op}`, depth + 2, out);
      }
    } else if (!Array.isArray(v)) {
      const kind = typeof v.kind === 'string' ? v.kind : null;
      out.push([`${indent}${label}${kind ? ` ${kind}` : ''}`, origin(provenance.get(at(key)))]);
      lines(v, bodySpec(slot, kind)!, provenance, at(key), depth + 1, out);
    }
  }
}

function explainText(experiment: ResolvedExperiment, provenance: ProvenanceMap): string {
  const out: Lines = [[`experiment ${experiment.name}`, '']];
  lines(experiment as unknown as Record<string, unknown>, EXPERIMENT, provenance, '', 0, out);
  const width = Math.max(...out.map(([left]) => left.length)) + 2;
  return out.map(([left, right]) => (right ? left.padEnd(width) + right : left)).join('\n');
}

/**
 * The experiments explained: every experiment of the file, or the one named, every cell of the
 * grid named, or the cell named (`grid_3`, as `run` and `compile` take it). A file declaring only
 * grids must name one.
 */
function selected(result: CompileResult, file: string, name: string | undefined): Array<{ experiment: ResolvedExperiment; provenance: ProvenanceMap }> {
  const experiments = [...result.experiments].map(([n, experiment]) => ({ experiment, provenance: result.provenance.get(n) ?? new Map() }));
  if (name === undefined) {
    if (experiments.length > 0) return experiments;
    if (result.gridNames.length === 0) throw new UsageError(`${file} declares no experiment and no grid: nothing to explain`);
    throw new UsageError(`${file} declares no experiment, only grids (${result.gridNames.join(', ')}): ` +
      `rekdc explain ${file} <grid> explains the cells of one`);
  }
  const grid = result.grids.get(name);
  if (grid) return grid.cells.map(({ experiment, provenance }) => ({ experiment, provenance }));
  const match = experiments.filter((e) => e.experiment.name === name);
  if (match.length > 0) return match;
  const cell = findCell(result, name);
  if (cell) return [{ experiment: cell.experiment, provenance: cell.provenance }];
  throw new UsageError(missingCell(result, file, name) ?? unknownName(file, name, 'experiment, grid or grid cell', [...result.experiments.keys()], result.gridNames));
}

export const explain = defineCommand({
  name: 'explain',
  operands: '<file> [experiment|grid|cell]',
  count: [1, 2],
  summary: 'print a resolved experiment (or every cell of a grid, or one cell such as grid_3) with where each value came from',
  details: ['Each value\'s origin is `default`, `file:line`, `override <--set N>` or `grid file:line`.'],
  options: { set: SET, format: FORMAT },
  run({ operands: [file, name], options }) {
    const format = options.format ?? 'text';
    const result = compileFile(file, { overrides: options.set });
    if (!result.ok) {
      showFailure(result.diagnostics, result.sources, format);
      return 1;
    }
    const chosen = selected(result, file, name);
    const diagnostics = scopedDiagnostics(result, name === undefined ? [...result.experiments.keys()] : [gridOfCell(result, name) ?? name]);
    showDiagnostics(diagnostics, result.sources, format);
    if (format === 'json') {
      const explained = chosen.map(({ experiment, provenance }) => ({
        experiment,
        provenance: Object.fromEntries([...provenance].map(([p, v]) => [p, origin(v)])),
      }));
      printJson({ experiments: explained, diagnostics });
    } else {
      process.stdout.write(`${chosen.map(({ experiment, provenance }) => explainText(experiment, provenance)).join('\n\n')}\n`);
    }
    return 0;
  },
});
