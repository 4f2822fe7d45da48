/** The public runtime API: the only module generated programs import. */
export { initBackend, BackendError } from './backend.ts';
export type { BackendChoice, BackendInfo } from './backend.ts';
export { Rng } from './random.ts';
export type { RngState } from './random.ts';
