/**
 * A training program run as a child process by the Ctrl-C test: long enough to be interrupted,
 * printing progress lines to stdout so the test knows when training is under way.
 */
import { initBackend } from '../../src/runtime/backend.ts';
import { runProgram } from '../../src/runtime/run/signals.ts';
import { instance, tinyTrain } from './train-setup.ts';

await runProgram({ runDir: process.argv[2], resolved: { name: 'child' } }, async (run) => {
  await initBackend('wasm');
  await tinyTrain({ run, objective: { instance }, epochs: 100, logEvery: 1, onLine: (line) => process.stdout.write(line) });
});
