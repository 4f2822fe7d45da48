/**
 * A rekd checkpoint read by plain Python (Debian's /usr/bin/python3: json and struct for the
 * header, hashlib for the checksum, numpy for the values), without any rekd code. Skipped, saying
 * why, where that Python or numpy is missing.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/runtime/backend.ts';
import { saveCheckpoint, withPrefix } from '../../src/runtime/checkpoint.ts';
import { createEncoder } from '../../src/runtime/nn/index.ts';
import { Rng } from '../../src/runtime/random.ts';

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

function pythonProblem(): string | undefined {
  const probe = spawnSync(python, ['-c', 'import numpy'], { encoding: 'utf8' });
  if (probe.error) return `${python} is not installed`;
  return probe.status === 0 ? undefined : `${python} has no numpy`;
}

describe('a rekd checkpoint in plain Python', function () {
  this.timeout(60_000);
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

    const result = spawnSync('nice', ['-n', '10', python, '-c', reader, file], { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(result.status, result.stderr).to.equal(0);
    const read = JSON.parse(result.stdout) as {
      metadata: Record<string, string>; checksum_ok: boolean;
      tensors: Record<string, { dtype: string; shape: number[]; values: number[] }>;
    };
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
});
