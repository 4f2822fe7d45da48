import { initBackend } from '../src/runtime/backend.ts';
import { benchTrain } from '../bench/train.ts';
await initBackend('wasm', { log: () => {} });
await benchTrain({ models: [{ name: 'student', kind: 'alexnet', width: 0.5, embed: 128 }], steps: 40, warmup: 2, python: '/nonexistent', threads: 2 });
