/**
 * The catalog of the .rekd language: every block, kind and attribute with its type, default,
 * range and doc. It is the single source of truth: the tree builder (src/tree/), the checker
 * (src/check/), the resolver (src/resolve/), the JSON Schema (json-schema.ts) and, written by generate.ts (`npm run schema`),
 * the TypeScript types (types.generated.ts), the standalone validator (validator.generated.ts) and
 * the reference tables of docs/language.md (reference.ts) are all derived from it. Defaults follow
 * METHOD.md (summarised in docs/method.md).
 */

/** The type of an attribute value. `gt` is an exclusive lower bound (temperatures > 0). */
export type ValueType =
  | { t: 'int'; min?: number; max?: number }
  | { t: 'number'; min?: number; max?: number; gt?: number; lt?: number }
  | { t: 'bool' }
  | { t: 'string' }
  | { t: 'path' }
  | { t: 'enum'; values: readonly string[] }
  | { t: 'range'; min?: number; max?: number; gt?: number }
  | { t: 'int_list'; min?: number }
  | { t: 'count_or_all' };

/** A default computed from other values of the experiment, when the resolver (src/resolve/) fills it in. */
export type DerivedDefault = { derived: 'input_size' | 'prototypes'; doc: string };
export type DefaultValue = number | string | boolean | null | readonly number[];

export interface AttributeSpec {
  type: ValueType;
  /** `required` means there is no default; `null` means optional with no value. */
  default: DefaultValue | DerivedDefault | 'required';
  doc: string;
}

export interface BlockSpec {
  /** Name of the generated TypeScript interface. */
  typeName: string;
  doc: string;
  attributes: Record<string, AttributeSpec>;
  slots: Record<string, SlotSpec>;
}

/**
 * What happens when a slot is absent: `required` is an error, `null` leaves it out, and an
 * object fills it in with defaults (a kind, or the named children/items).
 */
export type Absent = 'required' | 'null' | { kind?: string; children?: readonly string[] };

/**
 * A place for a block inside its parent. `single`: `name { }`. `kinded`: `name KIND { }`.
 * `list`: `name { OP { } OP { } }`, an ordered list of items chosen from `items`.
 * `variant` marks a slot written `base VARIANT { }` in the language (augment weak).
 */
export type SlotSpec =
  | { form: 'single'; doc: string; absent: Absent; body: BlockSpec }
  | { form: 'kinded'; doc: string; absent: Absent; kinds: Record<string, BlockSpec> }
  | { form: 'list'; doc: string; absent: Absent; items: Record<string, BlockSpec>; variant?: { base: string; word: string } };

// ---- value type helpers --------------------------------------------------------------------
const int = (min = 0, max?: number): ValueType => ({ t: 'int', min, max });
/**
 * Upper bounds of the values the runtime allocates by: image sides, image counts, channel
 * widths, embedding and queue sizes. Far above any experiment here (28-32 px, width <= 1,
 * queues of 4096), far below sizes whose arrays cannot be allocated (`width = 1e308` asked for
 * a typed array of Infinity elements).
 */
const MAX_SIDE = 512;
const MAX_IMAGES = 100_000;
const MAX_FEATURES = 16_384;
const MAX_QUEUE = 65_536;
/** Seeds are 32-bit: the random streams take `seed >>> 0` (src/runtime/random.ts). */
const MAX_SEED = 2 ** 32 - 1;
const positive: ValueType = { t: 'number', gt: 0 };
const nonNegative: ValueType = { t: 'number', min: 0 };
const probability: ValueType = { t: 'number', min: 0, max: 1 };
const momentumType: ValueType = { t: 'number', min: 0, lt: 1 };
const count: ValueType = { t: 'count_or_all' };
const attr = (type: ValueType, def: AttributeSpec['default'], doc: string): AttributeSpec => ({ type, default: def, doc });

// ---- data ----------------------------------------------------------------------------------
const trainSize = attr(count, 'all', 'images taken from the train split (`all` or a count)');
const testSize = attr(count, 'all', 'images taken from the test split (`all` or a count)');
const block = (typeName: string, doc: string, attributes: Record<string, AttributeSpec>, slots: Record<string, SlotSpec> = {}): BlockSpec =>
  ({ typeName, doc, attributes, slots });

const dataKinds: Record<string, BlockSpec> = {
  fashion_mnist: block('DataFashionMnist', 'Fashion-MNIST, 28x28 grey, 10 classes', {
    split: attr({ t: 'enum', values: ['auto', 'official', 'package'] }, 'auto',
      "`official`: the published 60,000/10,000 split from the IDX files (downloaded when not found); `package`: METHOD.md's split of the npm package; `auto`: `official` when the files are found locally, else `package`"),
    path: attr({ t: 'path' }, null, 'a folder holding the official IDX files, searched before the rekd cache and Debian\'s folder'),
    train_size: trainSize, test_size: testSize,
  }),
  mnist: block('DataMnist', 'MNIST, 28x28 grey, 10 classes', { train_size: trainSize, test_size: testSize }),
  cifar10: block('DataCifar10', 'CIFAR-10 from a local copy, 32x32 colour, 10 classes', {
    path: attr({ t: 'path' }, 'required', 'directory of the CIFAR-10 binary batches'),
    train_size: trainSize, test_size: testSize,
  }),
  image_folder: block('DataImageFolder', 'one sub-directory of images per class', {
    path: attr({ t: 'path' }, 'required', 'root directory (one sub-directory per class)'),
    size: attr(int(4, MAX_SIDE), 32, 'side of the square input in pixels'),
    test_fraction: attr({ t: 'number', gt: 0, lt: 1 }, 0.2, 'fraction of every class held out for test'),
    train_size: trainSize, test_size: testSize,
  }),
  synthetic: block('DataSynthetic', 'seeded synthetic images for tests and benchmarks', {
    classes: attr(int(2, 1000), 10, 'number of classes'),
    size: attr(int(4, MAX_SIDE), 28, 'side of the square input in pixels'),
    channels: attr(int(1, 4), 1, 'channels per pixel'),
    count: attr(int(1, MAX_IMAGES), 1000, 'train images'),
    test_count: attr(int(1, MAX_IMAGES), 200, 'test images'),
  }),
};

// ---- augmentations (MoCo v2 defaults) ------------------------------------------------------
const p = (def: number) => attr(probability, def, 'probability of applying the op');
const augmentOps: Record<string, BlockSpec> = {
  random_resized_crop: block('RandomResizedCrop', 'crop a random area and aspect ratio, resize to `size`', {
    size: attr(int(1, MAX_SIDE), { derived: 'input_size', doc: 'the data input size' }, 'output side in pixels'),
    scale: attr({ t: 'range', gt: 0, max: 1 }, [0.2, 1.0], 'fraction of the image area kept'),
    ratio: attr({ t: 'range', gt: 0 }, [0.75, 1.3333], 'aspect ratio range'),
  }),
  horizontal_flip: block('HorizontalFlip', 'mirror left-right', { p: p(0.5) }),
  color_jitter: block('ColorJitter', 'random brightness, contrast, saturation and hue', {
    brightness: attr(nonNegative, 0.4, 'max relative brightness change'),
    contrast: attr(nonNegative, 0.4, 'max relative contrast change'),
    saturation: attr(nonNegative, 0.4, 'max relative saturation change (none on grey data)'),
    hue: attr({ t: 'number', min: 0, max: 0.5 }, 0.1, 'max hue shift (fraction of the colour wheel; none on grey data)'),
    p: p(0.8),
  }),
  grayscale: block('Grayscale', 'convert to grey', { p: p(0.2) }),
  gaussian_blur: block('GaussianBlur', 'blur with a random sigma', {
    sigma: attr({ t: 'range', gt: 0 }, [0.1, 2.0], 'sigma range in pixels'),
    p: p(0.5),
  }),
  solarize: block('Solarize', 'invert pixels above a threshold', {
    threshold: attr(probability, 0.5, 'threshold on [0, 1] intensities'),
    p: p(0.2),
  }),
  cutout: block('Cutout', 'zero a random square', {
    size: attr({ t: 'number', gt: 0, max: 1 }, 0.25, 'side of the square as a fraction of the image side'),
    p: p(0.5),
  }),
};
/** The MoCo v2 pipeline used when an experiment writes no `augment` block. */
export const DEFAULT_AUGMENT = ['random_resized_crop', 'color_jitter', 'grayscale', 'gaussian_blur', 'horizontal_flip'] as const;

// ---- backbones -----------------------------------------------------------------------------
export const BACKBONES = ['alexnet', 'mobilenetv2', 'mobilenetv3', 'shufflenetv2', 'efficientnet_b0', 'resnet18', 'resnet34'] as const;
const backboneAttributes: Record<string, AttributeSpec> = {
  width: attr({ t: 'number', gt: 0, max: 4 }, 1.0, 'channel multiplier'),
  embed: attr(int(1, MAX_FEATURES), 128, 'projection output size'),
  hidden: attr(int(0, MAX_FEATURES), 0, 'projection hidden size; 0 means 2 x backbone feature width'),
};
const variant = attr({ t: 'enum', values: ['small', 'large'] }, 'small', 'MobileNetV3 variant');
const teacherAttributes: Record<string, AttributeSpec> = {
  ...backboneAttributes,
  mode: attr({ t: 'enum', values: ['online', 'offline'] }, 'online', 'online: trained alongside the student; offline: loaded and frozen'),
  checkpoint: attr({ t: 'path' }, null, 'offline: a checkpoint from an earlier run, or a teacher file (`rekdc teacher export`)'),
  temperature: attr(positive, 0.2, "the teacher's own instance-loss temperature (online, or its pretrain stage's default)"),
  queue: attr(int(1, MAX_QUEUE), 4096, "the teacher's own queue size (online, or its pretrain stage's default)"),
  momentum: attr(momentumType, 0.99, "the teacher's key-encoder momentum (online, or its pretrain stage's default)"),
};
/** MoCo's shuffling BatchNorm on one device (METHOD.md): statistics per group, keys in a shuffled order. */
const bnGroups = attr(int(1, MAX_IMAGES), 1, "BatchNorm statistics per group of batch_size / bn_groups images (a divisor of batch_size), the keys' groups shuffled (MoCo's shuffling BN); 1: the whole batch");
/**
 * The pretrain stage's own recipe. An unset value (`none`) is the experiment's (optimiser, batch
 * size, seed) or the teacher block's (temperature, queue, momentum), as before the stage had a recipe.
 */
const pretrainSlot: SlotSpec = {
  form: 'single', absent: 'null', doc: 'offline: a MoCo pretrain stage on the same data, cached by the hash of its recipe',
  body: block('Pretrain', 'teacher pretrain stage', {
    epochs: attr(int(1), 20, 'pretrain epochs'),
    warmup_epochs: attr(int(0), 0, 'linear warm-up epochs before its cosine decay (< epochs)'),
    lr: attr(positive, null, "base learning rate (`none`: the experiment optimiser's `lr`)"),
    weight_decay: attr(nonNegative, null, "weight decay (`none`: the experiment optimiser's `weight_decay`)"),
    batch_size: attr(int(2, MAX_IMAGES), null, "images per step (`none`: the experiment's `batch_size`)"),
    symmetric: attr({ t: 'bool' }, false, "MoCo v2's symmetric loss: add the loss with the two views swapped"),
    temperature: attr(positive, null, "instance-loss temperature (`none`: the teacher's `temperature`)"),
    queue: attr(int(1, MAX_QUEUE), null, "queue size K (`none`: the teacher's `queue`)"),
    momentum: attr(momentumType, null, "key-encoder momentum (`none`: the teacher's `momentum`)"),
    bn_groups: bnGroups,
    seed: attr(int(0, MAX_SEED), null, "the stage's seed (`none`: the experiment's); a fixed one lets cells of several seeds share one teacher"),
  }),
};
function backboneKinds(prefix: string, attributes: Record<string, AttributeSpec>, slots: Record<string, SlotSpec>): Record<string, BlockSpec> {
  // Kinds sharing one BlockSpec object share one generated interface.
  const shared = block(`${prefix}Backbone`, `${prefix.toLowerCase()} network`, attributes, slots);
  const v3 = block(`${prefix}MobileNetV3`, `${prefix.toLowerCase()} MobileNetV3`, { ...attributes, variant }, slots);
  return Object.fromEntries(BACKBONES.map((name) => [name, name === 'mobilenetv3' ? v3 : shared]));
}

// ---- losses --------------------------------------------------------------------------------
const weight = attr(nonNegative, 1.0, 'weight of the term in the total loss');
const lossSpec = block('Loss', 'the student objective: a weighted sum of terms', {}, {
  instance: { form: 'kinded', absent: 'null', doc: 'instance-wise contrast', kinds: {
    moco: block('InstanceMoco', 'InfoNCE against a momentum-key queue', {
      weight,
      temperature: attr(positive, 0.2, 'softmax temperature'),
      queue: attr(int(1, MAX_QUEUE), 4096, 'queue size K (also used by relation terms)'),
      momentum: attr(momentumType, 0.99, 'key-encoder momentum m'),
      symmetric: attr({ t: 'bool' }, false, 'add the loss with the two views swapped'),
      bn_groups: bnGroups,
    }),
  } },
  relation: { form: 'kinded', absent: 'null', doc: 'relation-wise contrast with mined relations or teacher responses', kinds: {
    rekd: block('RelationRekd', 'supervised contrast with relations mined from the teacher', {
      weight,
      temperature: attr(positive, 0.1, 'softmax temperature'),
      miner: attr({ t: 'enum', values: ['prototype', 'knn', 'soft'] }, 'prototype', 'relation miner'),
      prototypes: attr(int(1, MAX_QUEUE), { derived: 'prototypes', doc: '10 x classes (10 x 100 if unknown)' }, 'prototype bank size M'),
      beta: attr(momentumType, 0.99, 'prototype momentum'),
      reseed_after: attr(int(1), 1000, 'steps without assignment before a prototype is re-seeded'),
      warmup_steps: attr(int(0), 0, 'steps of instance-loss fallback before relations are used'),
      k: attr(int(1), 5, 'knn miner: neighbours taken as positives'),
      teacher_temperature: attr(positive, 0.05, 'soft miner: teacher target temperature'),
    }),
    seed: block('RelationSeed', 'SEED: match the teacher similarity distribution', {
      weight,
      student_temperature: attr(positive, 0.2, 'student softmax temperature'),
      teacher_temperature: attr(positive, 0.01, 'teacher softmax temperature'),
    }),
    compress: block('RelationCompress', 'CompRess: KL between aligned teacher/student queues', {
      weight,
      temperature: attr(positive, 0.04, 'softmax temperature'),
    }),
  } },
  supervised: { form: 'single', absent: 'null', doc: 'cross-entropy on labels (upper bound)',
    body: block('Supervised', 'cross-entropy through a linear classifier', { weight }) },
});

// ---- optimisation --------------------------------------------------------------------------
const epochs = attr(int(1), 'required', 'training epochs');
const warmupEpochs = attr(int(0), 0, 'linear warm-up epochs (< epochs)');
const optimizerKinds: Record<string, BlockSpec> = {
  sgd: block('OptimizerSgd', 'SGD with momentum (weight decay skips BatchNorm and biases)', {
    lr: attr(positive, 0.06, 'base learning rate'),
    momentum: attr(momentumType, 0.9, 'momentum'),
    nesterov: attr({ t: 'bool' }, false, 'Nesterov momentum'),
    weight_decay: attr(nonNegative, 5e-4, 'L2 weight decay'),
  }),
  adamw: block('OptimizerAdamw', 'AdamW (weight decay skips BatchNorm and biases)', {
    lr: attr(positive, 1e-3, 'base learning rate'),
    beta1: attr(momentumType, 0.9, 'first-moment decay'),
    beta2: attr(momentumType, 0.999, 'second-moment decay'),
    eps: attr(positive, 1e-8, 'denominator epsilon'),
    weight_decay: attr(nonNegative, 0.05, 'decoupled weight decay'),
  }),
};
const scheduleKinds: Record<string, BlockSpec> = {
  cosine: block('ScheduleCosine', 'cosine decay to final_lr after a linear warm-up', {
    epochs, warmup_epochs: warmupEpochs, final_lr: attr(nonNegative, 0, 'learning rate at the end'),
  }),
  step: block('ScheduleStep', 'multiply the learning rate by gamma at each milestone epoch', {
    epochs, warmup_epochs: warmupEpochs,
    milestones: attr({ t: 'int_list', min: 1 }, 'required', 'epochs at which the rate drops'),
    gamma: attr(positive, 0.1, 'factor applied at each milestone'),
  }),
};

// ---- evaluation ----------------------------------------------------------------------------
const evalSpec = block('Eval', 'evaluation protocols (only those written run; all three when omitted)', {
  floors: attr({ t: 'bool' }, true, 'linear and kNN also on the raw pixels and on the untrained student, reported beside the student'),
}, {
  linear: { form: 'single', absent: 'null', doc: 'linear probe on frozen features', body: block('EvalLinear', 'linear probe', {
    epochs: attr(int(1), 10, 'probe epochs'),
    lr: attr(positive, 0.1, 'probe learning rate (cosine)'),
    batch_size: attr(int(1, MAX_IMAGES), 256, 'probe batch size'),
    weight_decay: attr(nonNegative, 0, 'probe weight decay'),
  }) },
  knn: { form: 'single', absent: 'null', doc: 'weighted kNN on normalised features', body: block('EvalKnn', 'weighted kNN', {
    k: attr(int(1), 20, 'neighbours'),
    temperature: attr(positive, 0.07, 'weight temperature exp(sim / t)'),
    every: attr(int(0), 1, 'epochs between kNN evaluations during training (0 = off)'),
    subset: attr(int(1), 1000, 'test images used during training'),
  }) },
  collapse: { form: 'single', absent: 'null', doc: 'effective rank, alignment, uniformity, semantic purity', body: block('EvalCollapse', 'collapse diagnostics', {
    neighbours: attr(int(1), 20, 'neighbours for semantic purity'),
  }) },
});

// ---- the experiment ------------------------------------------------------------------------
const augmentDoc = 'ordered list of augmentation ops';
export const EXPERIMENT: BlockSpec = block('ResolvedExperiment', 'one training run', {
  seed: attr(int(0, MAX_SEED), 0, 'seed of every random stream (32-bit)'),
  backend: attr({ t: 'enum', values: ['auto', 'wasm', 'cpu', 'tensorflow', 'tensorflow-gpu'] }, 'auto', 'TensorFlow.js backend'),
  threads: attr(int(0, 256), 0, 'threads of the native kernels (0: every core, or a grid job\'s share of them)'),
  batch_size: attr(int(2, MAX_IMAGES), 128, 'images per step'),
  checkpoint_every: attr(int(0), 0, 'steps between checkpoints (0: at each epoch end)'),
  log_every: attr(int(1), 10, 'steps between metric lines'),
}, {
  data: { form: 'kinded', absent: 'required', doc: 'the data set', kinds: dataKinds },
  augment: { form: 'list', absent: { children: DEFAULT_AUGMENT }, doc: `${augmentDoc}: the strong two-view pipeline`, items: augmentOps },
  augment_weak: { form: 'list', absent: 'null', doc: `${augmentDoc}: the teacher's weak view (written \`augment weak { }\`)`, items: augmentOps,
    variant: { base: 'augment', word: 'weak' } },
  teacher: { form: 'kinded', absent: 'null', doc: 'the teacher network', kinds: backboneKinds('Teacher', teacherAttributes, { pretrain: pretrainSlot }) },
  student: { form: 'kinded', absent: 'required', doc: 'the student network', kinds: backboneKinds('Student', backboneAttributes, {}) },
  loss: { form: 'single', absent: 'required', doc: 'the objective (at least one term)', body: lossSpec },
  optimizer: { form: 'kinded', absent: { kind: 'sgd' }, doc: 'the optimiser', kinds: optimizerKinds },
  schedule: { form: 'kinded', absent: 'required', doc: 'the learning-rate schedule and epoch count', kinds: scheduleKinds },
  eval: { form: 'single', absent: { children: ['linear', 'knn', 'collapse'] }, doc: 'evaluation', body: evalSpec },
});

/**
 * Facts about each data kind that derived defaults and checks need. `null` = unknown before the
 * data is read (an image folder is grey or colour depending on its files).
 */
export const DATA_FACTS: Record<string, { inputSize: number | 'size'; classes: number | 'classes' | null; channels: number | 'channels' | null }> = {
  fashion_mnist: { inputSize: 28, classes: 10, channels: 1 },
  mnist: { inputSize: 28, classes: 10, channels: 1 },
  cifar10: { inputSize: 32, classes: 10, channels: 3 },
  image_folder: { inputSize: 'size', classes: null, channels: null },
  synthetic: { inputSize: 'size', classes: 'classes', channels: 'channels' },
};
