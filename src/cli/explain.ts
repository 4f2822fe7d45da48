/**
 * `rekdc explain <file> [name]`: the resolved experiment (or each cell of a grid) with every
 * default filled in and, per value, where it came from: default, file:line, or an override.
 */
import { compileFile, renderDiagnostics, type CompileResult, type ProvenanceMap, type ResolvedExperiment } from '../compiler.ts';
import type { Provenance } from '../resolve/resolve.ts';
import { UsageError, useColor, type Args } from './args.ts';

export const EXPLAIN_USAGE = 'rekdc explain <file> [experiment|grid] [--set path=value]... [--format text|json]';

function origin(p: Provenance | undefined): string {
  if (!p || p.source === 'default' || !p.span) return 'default';
  const at = p.span.file.startsWith('<') ? p.span.file : `${p.span.file}:${p.span.line}`;
  return p.source === 'file' ? at : `${p.source} ${at}`;
}

const scalar = (v: unknown): string => (Array.isArray(v) && v.length === 2 && v.every((n) => typeof n === 'number') ? `${v[0]} .. ${v[1]}` : JSON.stringify(v));

/** Lines `key = value` with their origin column, nested blocks indented. */
function lines(value: Record<string, unknown>, provenance: ProvenanceMap, path: string, depth: number, out: Array<[string, string]>): void {
  for (const [key, v] of Object.entries(value)) {
    if (key === 'kind' || key === 'op' || (depth === 0 && key === 'name')) continue;
    const p = path ? `${path}.${key}` : key;
    const indent = '  '.repeat(depth + 1);
    if (v === null) out.push([`${indent}${key} = none`, origin(provenance.get(p))]);
    else if (Array.isArray(v) && v.some((item) => typeof item === 'object')) {
      out.push([`${indent}${key}`, origin(provenance.get(p))]);
      for (const item of v as Array<Record<string, unknown>>) {
        out.push([`${indent}  ${String(item.op)}`, origin(provenance.get(`${p}.${String(item.op)}`))]);
        lines(item, provenance, `${p}.${String(item.op)}`, depth + 2, out);
      }
    } else if (typeof v === 'object' && !Array.isArray(v)) {
      const block = v as Record<string, unknown>;
      out.push([`${indent}${key}${block.kind ? ` ${String(block.kind)}` : ''}`, origin(provenance.get(p))]);
      lines(block, provenance, p, depth + 1, out);
    } else out.push([`${indent}${key} = ${scalar(v)}`, origin(provenance.get(p))]);
  }
}

function explainText(experiment: ResolvedExperiment, provenance: ProvenanceMap): string {
  const out: Array<[string, string]> = [[`experiment ${experiment.name}`, '']];
  lines(experiment as unknown as Record<string, unknown>, provenance, '', 0, out);
  const width = Math.max(...out.map(([left]) => left.length)) + 2;
  return out.map(([left, right]) => (right ? left.padEnd(width) + right : left)).join('\n');
}

function selected(result: CompileResult, name: string | undefined): Array<{ experiment: ResolvedExperiment; provenance: ProvenanceMap }> {
  const experiments = [...result.experiments].map(([n, experiment]) => ({ experiment, provenance: result.provenance.get(n) ?? new Map() }));
  if (name === undefined) return experiments;
  const grid = result.grids.get(name);
  if (grid) return grid.cells.map(({ experiment, provenance }) => ({ experiment, provenance }));
  const match = experiments.filter((e) => e.experiment.name === name);
  if (match.length === 0) {
    const known = [...result.experiments.keys(), ...result.grids.keys()].join(', ') || 'none';
    throw new UsageError(`no experiment or grid '${name}' in this file (declared: ${known})`);
  }
  return match;
}

export function explain(args: Args): number {
  const [file, name, ...extra] = args.positionals;
  if (!file || extra.length) throw new UsageError(`usage: ${EXPLAIN_USAGE}`);
  const result = compileFile(file, { overrides: args.overrides });
  if (!result.ok) {
    process.stderr.write(`${renderDiagnostics(result.diagnostics, result.sources, { color: useColor() })}\n`);
    return 1;
  }
  const chosen = selected(result, name);
  if (args.format === 'json') {
    const json = chosen.map(({ experiment, provenance }) => ({
      experiment,
      provenance: Object.fromEntries([...provenance].map(([p, v]) => [p, origin(v)])),
    }));
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  } else {
    process.stdout.write(`${chosen.map(({ experiment, provenance }) => explainText(experiment, provenance)).join('\n\n')}\n`);
  }
  return 0;
}
