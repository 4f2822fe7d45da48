/** The tiny synthetic experiment the grid end-to-end tests vary (seconds per cell on wasm). */

/** `experiment tiny` with `members` (teacher, loss, schedule) added to its common recipe. */
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
