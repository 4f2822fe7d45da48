/** Public augmentation API: op settings, pipelines and the per-view random stream. */
export { AugmentError, compilePipeline, viewRng } from './pipeline.ts';
export type { AugmentOp, AugmentOpName, ImageShape, Pipeline } from './pipeline.ts';
export type { FloatImage } from './image.ts';
