// Entry of the loader's worker threads. Node does not apply tsx's loader to a worker's entry
// file, so this plain ESM file registers tsx and then imports the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./augment-worker.ts');
