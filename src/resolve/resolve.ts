/**
 * Tree -> ResolvedExperiment: fills every default (including the derived ones) and records, per
 * value path (`loss.relation.temperature`), where the value came from. Runs only on trees the
 * tree rules found clean, so every written value converts.
 */
import * as nodePath from 'node:path';
import type { Span } from '../diagnostics/span.ts';
import { didYouMean } from '../diagnostics/did-you-mean.ts';
import { DATA_FACTS, EXPERIMENT, type AttributeSpec, type BlockSpec, type SlotSpec } from '../schema/catalog.ts';
import { convertValue, type Resolved } from '../schema/convert.ts';
import type { ResolvedExperiment } from '../schema/types.generated.ts';
import { isRemoval, type Origin, type Provenance, type ProvenanceMap, type TreeBlock } from '../tree/tree.ts';

interface Facts { inputSize: number; classes: number | null }
type Json = Record<string, unknown>;
const DEFAULT: Provenance = { source: 'default', span: null };
const join = (path: string, key: string): string => (path ? `${path}.${key}` : key);

function writtenValue(block: TreeBlock | undefined, name: string, spec: AttributeSpec): Resolved | undefined {
  const attribute = block?.attributes.get(name);
  if (!attribute) return undefined;
  const converted = convertValue(attribute.value, spec.type, didYouMean);
  return converted.ok ? converted.value : undefined;
}

/** Input size and class count of the data block, which derived defaults need. */
function dataFacts(tree: TreeBlock): Facts {
  const data = tree.blocks.get('data');
  const kind = data && !isRemoval(data) ? data.kind?.text : undefined;
  if (!data || isRemoval(data) || !kind || !Object.hasOwn(DATA_FACTS, kind)) return { inputSize: 32, classes: null };
  const facts = DATA_FACTS[kind];
  const spec = (EXPERIMENT.slots.data as Extract<SlotSpec, { form: 'kinded' }>).kinds[kind];
  const read = (name: string): number => (writtenValue(data, name, spec.attributes[name]) ?? spec.attributes[name].default) as number;
  return {
    inputSize: facts.inputSize === 'size' ? read('size') : facts.inputSize,
    classes: facts.classes === 'classes' ? read('classes') : facts.classes,
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
  constructor(private readonly facts: Facts) {}

  block(block: TreeBlock | undefined, spec: BlockSpec, path: string, forced: readonly string[] = []): Json {
    const out: Json = {};
    for (const [name, attribute] of Object.entries(spec.attributes)) {
      const written = writtenValue(block, name, attribute);
      const node = block?.attributes.get(name);
      if (written !== undefined && node) {
        out[name] = attribute.type.t === 'path' ? relativeToFile(written as string, node.span, node.origin) : written;
        this.provenance.set(join(path, name), { source: node.origin, span: node.span });
      } else {
        out[name] = this.defaultValue(attribute);
        this.provenance.set(join(path, name), DEFAULT);
      }
    }
    for (const [key, slot] of Object.entries(spec.slots)) {
      const entry = block?.blocks.get(key);
      const slotPath = join(path, key);
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

  private defaultValue(attribute: AttributeSpec): unknown {
    const def = attribute.default;
    if (def === 'required') throw new Error('internal: a required attribute reached resolution unchecked');
    if (def === null || typeof def !== 'object') return def;
    if (!('derived' in def)) return [...def];
    return def.derived === 'input_size' ? this.facts.inputSize : 10 * (this.facts.classes ?? 100);
  }

  private present(entry: TreeBlock, slot: SlotSpec, path: string): unknown {
    switch (slot.form) {
      case 'single': return this.block(entry, slot.body, path);
      case 'kinded': {
        const kind = entry.kind?.text ?? '';
        return { kind, ...this.block(entry, slot.kinds[kind], path) };
      }
      case 'list':
        return [...entry.blocks].flatMap(([op, item]) => {
          if (isRemoval(item)) return [];
          this.provenance.set(join(path, op), { source: item.origin, span: item.span });
          return [{ op, ...this.block(item, slot.items[op], join(path, op)) }];
        });
    }
  }

  /** `block = none`: nullable slots become null; defaulted ones become empty. */
  private removed(slot: SlotSpec, path: string): unknown {
    if (slot.absent === 'null' || slot.absent === 'required') return null;
    if (slot.form === 'list') return [];
    if (slot.form === 'single') return this.block(undefined, slot.body, path);
    return this.absent(slot, path, false);
  }

  private absent(slot: SlotSpec, path: string, forced: boolean): unknown {
    const absent = forced ? {} : slot.absent;
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

/** The resolved experiment of a checked tree, with the provenance of every value. */
export function resolveTree(tree: TreeBlock): { experiment: ResolvedExperiment; provenance: ProvenanceMap } {
  const resolver = new Resolver(dataFacts(tree));
  const body = resolver.block(tree, EXPERIMENT, '');
  return { experiment: { name: tree.name.text, ...body } as unknown as ResolvedExperiment, provenance: resolver.provenance };
}
