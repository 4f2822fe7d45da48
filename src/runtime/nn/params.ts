/**
 * Named model variables. Every variable gets a path name (`backbone/layer1.0/conv1/kernel`) whose
 * last segment says its role; optimisers, checkpoints and momentum copies all work on these names.
 * Initial values are drawn in JS from an Rng forked by the variable's name, so a model's numbers
 * depend only on the seed and its architecture, never on creation order or backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../random.ts';

/** Roles (the last name segment). Only `kernel`s get weight decay; running stats are not trained. */
export type ParamRole = 'kernel' | 'bias' | 'gamma' | 'beta' | 'running_mean' | 'running_var';

const stateRoles: ReadonlySet<ParamRole> = new Set(['running_mean', 'running_var']);

/** Fills a new variable: returns its initial values for the given shape. */
export type Initializer = (shape: number[], rng: Rng) => Float32Array;

/** True for variables that weight decay applies to: conv and linear kernels, not biases or BN. */
export function isDecayedWeight(name: string): boolean {
  return name.endsWith('/kernel');
}

function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** He normal with fan-out (torchvision's conv init): keeps activation variance through ReLUs. */
export function heNormalFanOut(fanOut: number): Initializer {
  return (shape, rng) => {
    const std = Math.sqrt(2 / fanOut);
    const values = new Float32Array(size(shape));
    for (let i = 0; i < values.length; i++) values[i] = rng.normal() * std;
    return values;
  };
}

/** Uniform in (-1/sqrt(fanIn), 1/sqrt(fanIn)): PyTorch's default for linear weights and biases. */
export function uniformFanIn(fanIn: number): Initializer {
  return (shape, rng) => {
    const bound = 1 / Math.sqrt(fanIn);
    const values = new Float32Array(size(shape));
    for (let i = 0; i < values.length; i++) values[i] = rng.uniform(-bound, bound);
    return values;
  };
}

export function constant(value: number): Initializer {
  return (shape) => new Float32Array(size(shape)).fill(value);
}

interface StoredParam {
  variable: tf.Variable;
  role: ParamRole;
}

/** Owns the variables of one model. `initialValues` (by name) replaces the initialisers: copies. */
export class ParamStore {
  private readonly params = new Map<string, StoredParam>();

  constructor(
    private readonly rng: Rng,
    private readonly trainable = true,
    private readonly initialValues?: Map<string, tf.Tensor>,
  ) {}

  scope(prefix: string): ParamScope {
    return new ParamScope(this, prefix);
  }

  create(name: string, role: ParamRole, shape: number[], init: Initializer): tf.Variable {
    if (this.params.has(name)) throw new Error(`model variable '${name}' is defined twice`);
    const source = this.initialValues?.get(name);
    let initial: tf.Tensor;
    if (source) {
      if (!tf.util.arraysEqual(source.shape, shape)) {
        throw new Error(`model variable '${name}': copy has shape [${source.shape}], expected [${shape}]`);
      }
      initial = source.clone();
    } else {
      initial = tf.tensor(init(shape, this.rng.fork(name)), shape, 'float32');
    }
    const trainable = this.trainable && !stateRoles.has(role);
    const variable = tf.variable(initial, trainable);
    initial.dispose();
    this.params.set(name, { variable, role });
    return variable;
  }

  /** Variables that gradients update: kernels, biases and BN scales/shifts (not running stats). */
  trainableVariables(): Map<string, tf.Variable> {
    return this.select((role) => !stateRoles.has(role));
  }

  /** BatchNorm running statistics. */
  statistics(): Map<string, tf.Variable> {
    return this.select((role) => stateRoles.has(role));
  }

  /** Every variable (trainable ones and running statistics): what checkpoints and copies need. */
  all(): Map<string, tf.Variable> {
    return this.select(() => true);
  }

  dispose(): void {
    for (const { variable } of this.params.values()) variable.dispose();
    this.params.clear();
  }

  private select(keep: (role: ParamRole) => boolean): Map<string, tf.Variable> {
    const out = new Map<string, tf.Variable>();
    for (const [name, { variable, role }] of this.params) if (keep(role)) out.set(name, variable);
    return out;
  }
}

/** A path prefix inside a store: `scope.child('layer1').create(...)`. */
export class ParamScope {
  constructor(
    private readonly store: ParamStore,
    private readonly prefix: string,
  ) {}

  child(name: string): ParamScope {
    return new ParamScope(this.store, this.prefix ? `${this.prefix}/${name}` : name);
  }

  create(role: ParamRole, shape: number[], init: Initializer): tf.Variable {
    return this.store.create(this.prefix ? `${this.prefix}/${role}` : role, role, shape, init);
  }
}
