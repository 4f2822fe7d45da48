/**
 * Tree -> ResolvedExperiment: fills every default (including the derived ones) and records, per
 * value path (`loss.relation.temperature`), where the value came from. `resolveTree` takes trees
 * the tree rules found clean, so every written value converts; `resolveValidPart` takes a tree
 * with errors and says which values it could not resolve, so that the experiment rules can still
 * check the others.
 */
import * as nodePath from 'node:path';
import type { Span } from '../diagnostics/span.ts';
import { didYouMean } from '../diagnostics/did-you-mean.ts';
import { DATA_FACTS, EXPERIMENT, type AttributeSpec, type BlockSpec, type SlotSpec } from '../schema/catalog.ts';
import { convertValue, type Resolved } from '../schema/convert.ts';
import type { ResolvedExperiment } from '../schema/types.generated.ts';
import { memberNames } from '../tree/spec.ts';
import { isRemoval, type Origin, type Provenance, type ProvenanceMap, type TreeBlock } from '../tree/tree.ts';

/** `uncertain`: the data block has an error, so the defaults derived from it are unknown. */
interface Facts { inputSize: number; classes: number | null; uncertain: boolean }
type Json = Record<string, unknown>;
const DEFAULT: Provenance = { source: 'default', span: null };
const join = (path: string, key: string): string => (path ? `${path}.${key}` : key);

function writtenValue(block: TreeBlock | undefined, name: string, spec: AttributeSpec): Resolved | undefined {
  const attribute = block?.attributes.get(name);
  if (!attribute) return undefined;
  const converted = convertValue(attribute.value, spec.type, didYouMean, spec.default === null);
  return converted.ok ? converted.value : undefined;
}

/** Input size and class count of the data block, which derived defaults need. */
function dataFacts(tree: TreeBlock): Facts {
  const data = tree.blocks.get('data');
  const kind = data && !isRemoval(data) ? data.kind?.text : undefined;
  if (!data || isRemoval(data) || !kind || !Object.hasOwn(DATA_FACTS, kind)) return { inputSize: 32, classes: null, uncertain: data !== undefined && !isRemoval(data) };
  const facts = DATA_FACTS[kind];
  const spec = (EXPERIMENT.slots.data as Extract<SlotSpec, { form: 'kinded' }>).kinds[kind];
  let uncertain = false;
  const read = (name: string): number => {
    const written = writtenValue(data, name, spec.attributes[name]);
    if (written === undefined && data.attributes.has(name)) uncertain = true;
    return (written ?? spec.attributes[name].default) as number;
  };
  return {
    inputSize: facts.inputSize === 'size' ? read('size') : facts.inputSize,
    classes: facts.classes === 'classes' ? read('classes') : facts.classes,
    uncertain,
  };
}

/**
 * A path written in a file is relative to that file, like an import; the resolved value is
 * relative to the working directory (overrides already are). Absolute paths are kept.
 */
function relativeToFile(value: string, span: Span, origin: Origin): string {
  if (origin === 'override' || nodePath.isAbsolute(value)) return value;
  return nodePath.normalize(nodePath.join(nodePath.dirname(span.file), value));
}

class Resolver {
  readonly provenance: ProvenanceMap = new Map();
  /** Value paths the tree gives no valid value for: their values here are placeholders. */
  readonly unresolved = new Set<string>();
  constructor(private readonly facts: Facts) {}

  block(block: TreeBlock | undefined, spec: BlockSpec, path: string, forced: readonly string[] = []): Json {
    const out: Json = {};
    if (block) this.markMisspelt(block, spec, path);
    for (const [name, attribute] of Object.entries(spec.attributes)) {
      const written = writtenValue(block, name, attribute);
      const node = block?.attributes.get(name);
      if (written !== undefined && node) {
        out[name] = attribute.type.t === 'path' ? relativeToFile(written as string, node.span, node.origin) : written;
        this.provenance.set(join(path, name), { source: node.origin, span: node.span });
      } else {
        // A value that does not convert, or an attribute written as a block.
        if (node || block?.blocks.has(name)) this.unresolved.add(join(path, name));
        out[name] = this.defaultValue(attribute, join(path, name));
        this.provenance.set(join(path, name), DEFAULT);
      }
    }
    for (const [key, slot] of Object.entries(spec.slots)) {
      const entry = block?.blocks.get(key);
      const slotPath = join(path, key);
      // A block written as an attribute (`loss = 1`).
      if (block?.attributes.has(key)) this.unresolved.add(slotPath);
      if (entry && !isRemoval(entry)) {
        this.provenance.set(slotPath, { source: entry.origin, span: entry.span });
        out[key] = this.present(entry, slot, slotPath);
      } else {
        this.provenance.set(slotPath, entry ? { source: entry.origin, span: entry.span } : DEFAULT);
        out[key] = entry ? this.removed(slot, slotPath) : this.absent(slot, slotPath, forced.includes(key));
      }
    }
    return out;
  }

  /** An unknown name in `block` may be a misspelling of the member did-you-mean suggests: that one's written value is unknown. */
  private markMisspelt(block: TreeBlock, spec: BlockSpec, path: string): void {
    const names = memberNames(spec);
    for (const name of [...block.attributes.keys(), ...block.blocks.keys()]) {
      const meant = names.includes(name) ? undefined : didYouMean(name, names);
      if (meant !== undefined) this.unresolved.add(join(path, meant));
    }
  }

  private defaultValue(attribute: AttributeSpec, path: string): unknown {
    const def = attribute.default;
    if (def === 'required') {
      this.unresolved.add(path);
      return null;
    }
    if (def === null || typeof def !== 'object') return def;
    if (!('derived' in def)) return [...def];
    if (this.facts.uncertain) this.unresolved.add(path);
    return def.derived === 'input_size' ? this.facts.inputSize : 10 * (this.facts.classes ?? 100);
  }

  private present(entry: TreeBlock, slot: SlotSpec, path: string): unknown {
    switch (slot.form) {
      case 'single': return this.block(entry, slot.body, path);
      case 'kinded': {
        const kind = entry.kind?.text ?? '';
        if (!Object.hasOwn(slot.kinds, kind)) {
          this.unresolved.add(path);
          return null;
        }
        return { kind, ...this.block(entry, slot.kinds[kind], path) };
      }
      case 'list':
        // An unknown item may be a misspelt one: which items the list holds is unknown.
        if ([...entry.blocks.keys()].some((op) => !Object.hasOwn(slot.items, op))) {
          this.unresolved.add(path);
          return [];
        }
        return [...entry.blocks].flatMap(([op, item]) => {
          if (isRemoval(item)) return [];
          this.provenance.set(join(path, op), { source: item.origin, span: item.span });
          return [{ op, ...this.block(item, slot.items[op], join(path, op)) }];
        });
    }
  }

  /** `block = none`: nullable slots become null; defaulted ones become empty. */
  private removed(slot: SlotSpec, path: string): unknown {
    if (slot.absent === 'required') this.unresolved.add(path);
    if (slot.absent === 'null' || slot.absent === 'required') return null;
    if (slot.form === 'list') return [];
    if (slot.form === 'single') return this.block(undefined, slot.body, path);
    return this.absent(slot, path, false);
  }

  private absent(slot: SlotSpec, path: string, forced: boolean): unknown {
    const absent = forced ? {} : slot.absent;
    if (absent === 'required') this.unresolved.add(path);
    if (absent === 'null' || absent === 'required') return null;
    switch (slot.form) {
      case 'single': return this.block(undefined, slot.body, path, absent.children ?? []);
      case 'kinded': {
        const kind = absent.kind ?? Object.keys(slot.kinds)[0];
        return { kind, ...this.block(undefined, slot.kinds[kind], path) };
      }
      case 'list':
        return (absent.children ?? []).map((op) => ({ op, ...this.block(undefined, slot.items[op], join(path, op)) }));
    }
  }
}

export interface ValidPart {
  /** Every value the tree gives validly or by default; the others are placeholders, listed in `unresolved`. */
  experiment: ResolvedExperiment;
  provenance: ProvenanceMap;
  /**
   * Paths whose value is unknown because the tree has an error there: a value that does not
   * convert, a required value or block missing, an unknown kind or list item, a member written in
   * the wrong form, a member an unknown name may be a misspelling of, a default derived from data
   * settings in error. Everything under such a path is unknown too.
   */
  unresolved: ReadonlySet<string>;
}

/** Resolves what a tree with errors gives validly, for the experiment rules to check (src/check/inputs.ts). */
export function resolveValidPart(tree: TreeBlock): ValidPart {
  const resolver = new Resolver(dataFacts(tree));
  const body = resolver.block(tree, EXPERIMENT, '');
  const experiment = { name: tree.name.text, ...body } as unknown as ResolvedExperiment;
  return { experiment, provenance: resolver.provenance, unresolved: resolver.unresolved };
}

/** The resolved experiment of a checked tree, with the provenance of every value. */
export function resolveTree(tree: TreeBlock): { experiment: ResolvedExperiment; provenance: ProvenanceMap } {
  const { experiment, provenance, unresolved } = resolveValidPart(tree);
  if (unresolved.size) throw new Error(`internal: unchecked errors reached resolution at ${[...unresolved].join(', ')}`);
  return { experiment, provenance };
}
