/**
 * Weights across frameworks, checked in PyTorch itself: Debian's /usr/bin/python3 with torch runs
 * bench/reference/rekd_torch.py (the loader of exported files and the writer of twins' state dicts).
 * Skipped, saying why, where that Python or torch is missing.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/runtime/backend.ts';
import { CheckpointError, withPrefix } from '../../src/runtime/checkpoint.ts';
import { backboneKinds, type MobileNetV3Variant } from '../../src/runtime/nn/backbones/index.ts';
import { createEncoder, type Encoder, type EncoderConfig } from '../../src/runtime/nn/index.ts';
import { Rng } from '../../src/runtime/random.ts';
import { loadTeacherWeights } from '../../src/runtime/train/teacher.ts';
import { TEACHER_FILE_FORMAT, writeTeacherFile } from '../../src/runtime/train/teacher-file.ts';
import { exportTorchWeights } from '../../src/runtime/train/torch-weights.ts';

const python = '/usr/bin/python3';
const loader = path.join(import.meta.dirname, '..', '..', 'bench', 'reference', 'rekd_torch.py');
/** float32 embeddings (unit vectors) computed with other kernels in another order agree to about 1e-6. */
const tolerance = 2e-5;

function pythonProblem(): string | undefined {
  const probe = spawnSync(python, ['-c', 'import numpy, torch'], { encoding: 'utf8' });
  if (probe.error) return `${python} is not installed`;
  return probe.status === 0 ? undefined : `${python} has no numpy or torch (${probe.stderr.trim().split('\n').pop()})`;
}

function runLoader(...args: string[]): void {
  const result = spawnSync('nice', ['-n', '10', python, loader, ...args], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
  if (result.status !== 0) throw new Error(`rekd_torch.py ${args[0]} failed: ${result.stderr}`);
}

type TwinConfig = EncoderConfig & { inChannels: number };

const tiny = (kind: EncoderConfig['kind'], inChannels: number, embed = 8, variant?: MobileNetV3Variant): TwinConfig =>
  ({ kind, width: 0.125, embed, inChannels, ...(variant ? { variant } : {}) });

const label = (config: TwinConfig) => config.variant ? `${config.kind} (${config.variant})` : config.kind;

/** Every backbone at width 1/8 (mobilenetv3 in both variants), grey and colour input. */
const configs: TwinConfig[] = [
  ...backboneKinds.map((kind, i) => tiny(kind, kind === 'alexnet' ? 1 : i % 2 === 0 ? 1 : 3)),
  tiny('mobilenetv3', 3, 8, 'large'),
];

/** Non-trivial BatchNorm statistics and scales (fresh ones are 0 and 1, which would hide a swap). */
function perturbBatchNorm(encoder: Encoder, rng: Rng): void {
  for (const [name, variable] of encoder.state()) {
    const range = /running_var|gamma/.test(name) ? [0.5, 1.5] : /running_mean|beta/.test(name) ? [-0.2, 0.2] : undefined;
    if (range) variable.assign(tf.tensor(Float32Array.from({ length: variable.size }, () => rng.uniform(range[0], range[1])), variable.shape));
  }
}

function writeImages(file: string, shape: [number, number, number, number], rng: Rng): tf.Tensor4D {
  const values = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal());
  fs.writeFileSync(file, Buffer.from(values.buffer));
  return tf.tensor4d(values, shape);
}

function readEmbeddings(file: string): number[] {
  const bytes = fs.readFileSync(file);
  return Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4));
}

function expectClose(actual: number[], expected: number[]): void {
  expect(actual).to.have.length(expected.length);
  const worst = Math.max(...actual.map((value, i) => Math.abs(value - expected[i])));
  expect(worst, `largest difference ${worst}`).to.be.below(tolerance);
}

describe('weights across frameworks (PyTorch twin of bench/reference/models.py)', function () {
  // Python starts torch once (a batch of every twin's jobs); on a loaded machine that alone can take tens of seconds.
  this.timeout(600_000);
  let dir: string;
  /** Per config: the embeddings of `images` by rekd's encoder and by its exported twin; by a PyTorch twin and by it loaded here. */
  const results = new Map<TwinConfig, { ours: number[]; exported: string; twin: string; twinFile: string; images: tf.Tensor4D }>();

  before(async function () {
    const problem = pythonProblem();
    if (problem) {
      console.log(`      skipped: ${problem}; the PyTorch round trip needs Debian's python3 with numpy and torch`);
      this.skip();
    }
    await initBackend('cpu', { log: () => {} });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rekd-torch-'));
    const rng = new Rng(7);
    const jobs: string[][] = [];
    for (const [index, config] of configs.entries()) {
      const name = `${config.kind}-${config.variant ?? 'default'}`;
      const encoder = createEncoder({ ...config, rng });
      perturbBatchNorm(encoder, rng);
      const teacherFile = path.join(dir, `${name}.teacher.ckpt`);
      await writeTeacherFile(teacherFile, withPrefix('model/student', encoder.state()), {
        format: TEACHER_FILE_FORMAT, source: 'run', name: config.kind,
        encoder: { kind: config.kind, width: config.width, embed: config.embed, hidden: 0, ...(config.variant ? { variant: config.variant } : {}) },
        recipe: {}, eval: {}, trained: { step: 0, epoch: 0 },
      });
      const exported = path.join(dir, `${name}.torch.safetensors`);
      const result = await exportTorchWeights(teacherFile, exported);
      expect(result.encoder).to.deep.equal({
        kind: config.kind, width: 0.125, embed: 8, hidden: 2 * encoder.featureDim, in_channels: config.inChannels,
        ...(config.kind === 'mobilenetv3' ? { variant: config.variant ?? 'small' } : {}),
      });
      expect(result.tensors).to.equal(encoder.state().size);

      const shape: [number, number, number, number] = [3, 16, 16, config.inChannels];
      const imagesFile = path.join(dir, `${name}.images.f32`);
      const images = writeImages(imagesFile, shape, rng);
      const ours = tf.tidy(() => encoder.forward(images, false).embedding);
      const twinFile = path.join(dir, `${name}.twin.safetensors`);
      const out = { ours: Array.from(ours.dataSync()), exported: path.join(dir, `${name}.exported.f32`), twin: path.join(dir, `${name}.twin.f32`), twinFile, images };
      results.set(config, out);
      jobs.push(
        ['embed', exported, imagesFile, ...shape.map(String), out.exported],
        ['save-twin', config.kind, String(config.width), String(config.embed), String(config.inChannels), String(11 + index), twinFile, config.variant ?? 'small'],
        ['embed', twinFile, imagesFile, ...shape.map(String), out.twin],
      );
      ours.dispose();
      encoder.dispose();
    }
    fs.writeFileSync(path.join(dir, 'jobs.json'), JSON.stringify(jobs));
    runLoader('batch', path.join(dir, 'jobs.json'));
  });
  after(() => tf.dispose([...results.values()].map((r) => r.images)));

  for (const config of configs) {
    it(`a ${label(config)} teacher exported with --to torch gives the same embeddings in its twin`, () => {
      const { ours, exported } = results.get(config)!;
      expectClose(readEmbeddings(exported), ours);
    });

    it(`a ${label(config)} state dict written from PyTorch loads as an offline teacher with the same embeddings`, () => {
      const { images, twin, twinFile } = results.get(config)!;
      const teacher = createEncoder({ ...config, rng: new Rng(99), trainable: false });
      loadTeacherWeights(teacher, twinFile, () => {});
      const ours = tf.tidy(() => teacher.forward(images, false).embedding);
      expectClose(Array.from(ours.dataSync()), readEmbeddings(twin));
      ours.dispose();
      teacher.dispose();
    });
  }

  it('a PyTorch state dict that does not fit the teacher lists every mismatch by its PyTorch name', () => {
    const file = results.get(configs[0])!.twinFile;
    const teacher = createEncoder({ ...tiny('alexnet', 1, 16), rng: new Rng(1), trainable: false });
    expect(() => loadTeacherWeights(teacher, file, () => {})).to.throw(CheckpointError,
      `teacher checkpoint ${file} (a PyTorch state dict) does not fit the teacher alexnet (width 0.125, embed 16, hidden 64, input channels 1)` +
      " (by tensor: 'head.3.weight' has shape [8,64], the teacher expects [16,64]; 'head.3.bias' has shape [8], the teacher expects [16])");
    const other = createEncoder({ ...tiny('resnet18', 1), rng: new Rng(1), trainable: false });
    expect(() => loadTeacherWeights(other, file, () => {})).to.throw(CheckpointError, /does not fit the teacher resnet18 .*'backbone\.body\.0\.0\.weight' has shape \[8,1,5,5\], the teacher expects \[8,1,3,3\]; missing 'backbone\.body\.1\.conv1\.0\.weight'/);
    teacher.dispose();
    other.dispose();
  });
});
