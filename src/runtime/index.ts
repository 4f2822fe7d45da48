/** The public runtime API: the only module generated programs import. */
export { initBackend, BackendError } from './backend.ts';
export type { BackendChoice, BackendInfo } from './backend.ts';
export { Rng } from './random.ts';
export type { RngState } from './random.ts';
export * from './nn/index.ts';
export * from './optim/index.ts';
export { CheckpointError, loadCheckpoint, restoreVariables, saveCheckpoint, withPrefix } from './checkpoint.ts';
export type { Checkpoint } from './checkpoint.ts';
export * from './data/index.ts';
export * from './augment/index.ts';
export { writePreview, renderPreview } from './preview.ts';
export type { PreviewOptions, PreviewResult } from './preview.ts';
export * from './objectives/index.ts';
export * from './eval/index.ts';
export * from './run/index.ts';
export * from './train/index.ts';
