/** Experiments the grid tests vary, and their grids compiled. */
import { expect } from 'chai';
import { compileSource, type CompiledGrid } from '../../src/compiler.ts';

/**
 * The tiny synthetic experiment the end-to-end tests train (seconds per cell on wasm): `experiment
 * tiny` with `members` (teacher, loss, schedule) added to its common recipe.
 */
export const tinyExperiment = (members: string): string => `
experiment tiny {
  seed = 3
  backend = wasm
  batch_size = 16
  log_every = 1
  data synthetic { classes = 3, size = 8, channels = 1, count = 32, test_count = 16 }
  augment { horizontal_flip {} }
  student alexnet { width = 0.125, embed = 8 }
  eval { linear { epochs = 1 } knn { k = 3, subset = 16 } collapse { neighbours = 3 } }
${members}
}
`;

/** `experiment base` with a teacher and two losses, which the grid-language tests vary and compile but never train. */
export const BASE_EXPERIMENT = `
experiment base {
  data synthetic { classes = 4, size = 16, count = 64, test_count = 16 }
  teacher resnet18 { width = 0.25 }
  student alexnet { width = 0.5 }
  loss {
    instance moco {}
    relation rekd {}
  }
  schedule cosine { epochs = 2 }
}
`;

/** The grid `name` of `source` compiled as `file`, which must compile without errors. */
export function compiledGrid(source: string, file: string, name: string): CompiledGrid {
  const result = compileSource(source, file);
  expect(result.diagnostics.filter((d) => d.severity === 'error')).to.deep.equal([]);
  return result.grids.get(name)!;
}
