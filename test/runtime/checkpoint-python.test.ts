/**
 * A rekd checkpoint read by plain Python (Debian's /usr/bin/python3: json and struct for the
 * header, hashlib for the checksum, numpy for the values), without any rekd code: one written by
 * test code, and the latest one of a real `rekdc run` (test/cli/tiny-runs.ts). Skipped, saying
 * why, where that Python or numpy is missing.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/runtime/backend.ts';
import { loadCheckpoint, saveCheckpoint, withPrefix } from '../../src/runtime/checkpoint.ts';
import { createEncoder } from '../../src/runtime/nn/index.ts';
import { Rng } from '../../src/runtime/random.ts';
import { tinyRuns } from '../cli/tiny-runs.ts';

const python = '/usr/bin/python3';

/** Prints { metadata, checksum_ok, tensors: { name: { dtype, shape, values } } } of the file argv[1]. */
const reader = String.raw`
import hashlib, json, struct, sys
import numpy as np
data = open(sys.argv[1], "rb").read()
(length,) = struct.unpack("<Q", data[:8])
header = json.loads(data[8:8 + length])
metadata = header.pop("__metadata__")
stored = metadata["rekd.sha256"]
zeroed = data.replace(('"rekd.sha256":"' + stored).encode(), ('"rekd.sha256":"' + "0" * 64).encode(), 1)
dtypes = {"F32": "<f4", "I32": "<i4"}
tensors = {}
for name, entry in header.items():
    begin, end = entry["data_offsets"]
    values = np.frombuffer(data[8 + length + begin:8 + length + end], dtype=dtypes[entry["dtype"]]).reshape(entry["shape"])
    tensors[name] = {"dtype": entry["dtype"], "shape": list(values.shape), "values": values.ravel().tolist()}
print(json.dumps({"metadata": metadata, "checksum_ok": hashlib.sha256(zeroed).hexdigest() == stored, "tensors": tensors}))
`;

interface ReadInPython {
  metadata: Record<string, string>;
  checksum_ok: boolean;
  tensors: Record<string, { dtype: string; shape: number[]; values: number[] }>;
}

function readInPython(file: string): ReadInPython {
  const result = spawnSync('nice', ['-n', '10', python, '-c', reader, file], { encoding: 'utf8', maxBuffer: 256 << 20 });
  expect(result.status, result.stderr).to.equal(0);
  return JSON.parse(result.stdout) as ReadInPython;
}

function pythonProblem(): string | undefined {
  const probe = spawnSync(python, ['-c', 'import numpy'], { encoding: 'utf8' });
  if (probe.error) return `${python} is not installed`;
  return probe.status === 0 ? undefined : `${python} has no numpy`;
}

describe('a rekd checkpoint in plain Python', function () {
  // The second test trains two tiny runs when no test before it has.
  this.timeout(300_000);
  before(async function () {
    const problem = pythonProblem();
    if (problem) {
      console.log(`      skipped: ${problem}; this test reads a checkpoint with Debian's python3 and numpy`);
      this.skip();
    }
    await initBackend('cpu', { log: () => {} });
  });

  it('opens with json/struct/numpy: metadata, dtypes, shapes, values and checksum match', async () => {
    const encoder = createEncoder({ kind: 'alexnet', width: 0.125, embed: 8, inChannels: 1, rng: new Rng(5) });
    const labels = tf.tensor1d([4, -2, 9], 'int32');
    const tensors = { ...withPrefix('model/student', encoder.state()), 'queue/labels': labels };
    const metadata = { step: 40, loader: { epoch: 3, batch: 2, seed: 7 }, optimizer: { updates: 40 }, bestKnn: null, rng: [1, 2, 3, 4] };
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rekd-python-')), 'latest.ckpt');
    await saveCheckpoint(file, tensors, metadata);

    const read = readInPython(file);
    expect(read.checksum_ok).to.equal(true);
    expect(read.metadata['rekd.format']).to.equal('rekd checkpoint 3');
    for (const [key, value] of Object.entries(metadata)) expect(JSON.parse(read.metadata[key]), key).to.deep.equal(value);
    expect(Object.keys(read.tensors).sort()).to.deep.equal(Object.keys(tensors).sort());
    for (const [name, tensor] of Object.entries(tensors)) {
      expect(read.tensors[name].dtype, name).to.equal(tensor.dtype === 'int32' ? 'I32' : 'F32');
      expect(read.tensors[name].shape, name).to.deep.equal(tensor.shape);
      expect(read.tensors[name].values, name).to.deep.equal(Array.from(tensor.dataSync()));
    }
    encoder.dispose();
    labels.dispose();
  });

  it('opens the latest checkpoint of a real `rekdc run` with the values and metadata rekd reads', async () => {
    const { rekd: runDir } = await tinyRuns();
    const file = path.join(runDir, 'checkpoints', 'latest.ckpt');
    const read = readInPython(file);
    const ours = loadCheckpoint<Record<string, unknown>>(file);
    expect(read.checksum_ok).to.equal(true);
    // The run's whole state: the student, the online teacher, the optimiser's slots, MoCo's queue.
    const names = Object.keys(ours.tensors);
    for (const part of ['model/student/', 'model/teacher/', 'queue/']) expect(names.some((n) => n.startsWith(part)), part).to.equal(true);
    expect(Object.keys(read.tensors).sort()).to.deep.equal(names.sort());
    for (const [name, tensor] of Object.entries(ours.tensors)) {
      expect(read.tensors[name].dtype, name).to.equal(tensor.dtype === 'int32' ? 'I32' : 'F32');
      expect(read.tensors[name].shape, name).to.deep.equal(tensor.shape);
      expect(read.tensors[name].values, name).to.deep.equal(Array.from(tensor.dataSync()));
    }
    // Trained, not as initialised: the run's last step, and weights that are not all one value.
    expect(JSON.parse(read.metadata.step)).to.equal(8).and.to.equal(ours.metadata.step);
    for (const [key, value] of Object.entries(ours.metadata)) expect(JSON.parse(read.metadata[key]), key).to.deep.equal(value);
    expect(new Set(read.tensors['model/student/head/fc2/kernel'].values).size).to.be.greaterThan(1);
    tf.dispose(Object.values(ours.tensors));
  });
});
