/**
 * Identity without a copy, as the cpu backend has it: the output shares the input's buffer (the
 * backend counts references, as for Reshape). tfjs runs Identity for every tensor an op saves for
 * its gradient (engine.clone in saveTensorsForBackwardMode and customGrad), and wasm's own
 * Identity copies it: a full-size copy of each convolution's and BatchNorm's input per training
 * forward, 2-5% of a step. Tensors are immutable (a Variable's assign takes a new buffer), so
 * sharing is safe.
 */
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

interface ReferenceCountingBackend {
  incRef(dataId: object): void;
}

export function sharingIdentityKernel(copying: KernelFunc): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    if (x.dtype === 'string') return copying(args);
    (args.backend as unknown as ReferenceCountingBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}
