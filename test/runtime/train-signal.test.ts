import { expect } from 'chai';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/runtime/backend.ts';
import { loadCheckpoint } from '../../src/runtime/checkpoint.ts';
import { RunDirectory } from '../../src/runtime/run/directory.ts';

const child = fileURLToPath(new URL('./train-child.ts', import.meta.url));

describe('Ctrl-C during training', function () {
  this.timeout(120_000);
  before(async () => { await initBackend('wasm'); });

  it('saves a checkpoint, marks the run interrupted and exits with code 130', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rekd-sigint-'));
    const proc = spawn(process.execPath, ['--import', 'tsx', child, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let signalled = false;
    proc.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!signalled && stdout.includes('step 2/')) {
        signalled = true;
        proc.kill('SIGINT');
      }
    });
    proc.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const code = await new Promise<number | null>((resolve) => proc.on('exit', (exitCode) => resolve(exitCode)));
    expect(signalled, stderr).to.equal(true);
    expect(code, stderr).to.equal(130);
    expect(stderr).to.match(/interrupted by SIGINT at step \d+; a checkpoint was saved/);
    const run = new RunDirectory(dir);
    const status = run.status()!;
    expect(status.state).to.equal('interrupted');
    const { tensors, metadata } = loadCheckpoint<{ step: number }>(run.paths.latest);
    expect(metadata.step).to.equal(status.step);
    expect(metadata.step).to.be.at.least(2);
    tf.dispose(Object.values(tensors));
  });
});
