/** The augmented views of a batch: the work the loader's workers (or the main thread) do. */
import type { AugmentOp, ImageShape, Pipeline } from '../augment/pipeline.ts';
import { compilePipeline, viewRng } from '../augment/pipeline.ts';
import { floatImageFromBytes } from '../augment/image.ts';

export interface ViewSettings {
  seed: number;
  /** Shape of the source images. */
  shape: ImageShape;
  augment: readonly AugmentOp[];
  weak?: readonly AugmentOp[];
}

export interface BatchViews {
  view1: Float32Array;
  view2: Float32Array;
  weak?: Float32Array;
}

/** Random-stream numbers of the views of one image (see viewRng). */
const VIEW1 = 0;
const VIEW2 = 1;
const WEAK = 2;

export interface ViewMaker {
  strong: Pipeline;
  weak?: Pipeline;
  /** Views of the images at `indices` of `images` (NHWC bytes), for `epoch`. */
  make(images: Uint8Array, indices: ArrayLike<number>, epoch: number): BatchViews;
}

export function makeViewMaker(settings: ViewSettings): ViewMaker {
  const strong = compilePipeline(settings.augment, settings.shape);
  const weak = settings.weak ? compilePipeline(settings.weak, settings.shape) : undefined;
  const { height, width, channels } = settings.shape;
  const run = (pipeline: Pipeline, images: Uint8Array, indices: ArrayLike<number>, epoch: number, view: number) => {
    const { output } = pipeline;
    const perView = output.height * output.width * output.channels;
    const out = new Float32Array(indices.length * perView);
    for (let i = 0; i < indices.length; i++) {
      const image = floatImageFromBytes(images, indices[i], height, width, channels);
      const result = pipeline.apply(image, viewRng(settings.seed, epoch, indices[i], view));
      out.set(result.data, i * perView);
    }
    return out;
  };
  return {
    strong,
    weak,
    make(images, indices, epoch) {
      return {
        view1: run(strong, images, indices, epoch, VIEW1),
        view2: run(strong, images, indices, epoch, VIEW2),
        ...(weak ? { weak: run(weak, images, indices, epoch, WEAK) } : {}),
      };
    },
  };
}
