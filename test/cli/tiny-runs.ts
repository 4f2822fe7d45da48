/**
 * Tiny experiments run through the real `rekdc` (a child process, as a user starts it) in a fresh
 * folder: the helpers of the end-to-end tests, and `tinyRuns()`, two finished quickstart-like runs
 * (MoCo alone; MoCo with ReKD's relation loss and an online teacher) trained once per test process
 * and shared by the tests that read real runs (the checkpoint in Python, `rekdc compare`).
 */
import * as path from 'node:path';
import { rekdcIn, workspaceWith } from './rekdc-child.ts';

/**
 * 64 train images in batches of 16: 4 steps per epoch; a checkpoint every 2 steps. `relation`
 * false: MoCo alone (no teacher, no relation loss), named `moco` (else `tiny`).
 */
export function tinyExperiment(epochs: number, options: { relation?: boolean } = {}): string {
  const relation = options.relation ?? true;
  return `
experiment ${relation ? 'tiny' : 'moco'} {
  seed = 3
  backend = wasm
  batch_size = 16
  log_every = 1
  checkpoint_every = 2
  data synthetic { classes = 3, size = 16, channels = 1, count = 64, test_count = 30 }
  augment {
    random_resized_crop { size = 16, scale = 0.5 .. 1.0 }
    horizontal_flip {}
  }
${relation ? '  teacher resnet18 { width = 0.125, embed = 16, mode = online, queue = 64 }\n' : ''}  student alexnet { width = 0.125, embed = 16 }
  loss {
    instance moco { queue = 64 }
${relation ? '    relation rekd { prototypes = 6 }\n' : ''}  }
  optimizer sgd {}
  schedule cosine { epochs = ${epochs} }
  eval {
    linear { epochs = 2 }
    knn { k = 5, subset = 30 }
    collapse { neighbours = 5 }
  }
}
`;
}

/** A fresh folder holding `tiny.rekd` with `experimentText`. */
export const workspace = (experimentText: string): string => workspaceWith('rekd-run-', { 'tiny.rekd': experimentText });

export interface TinyRuns {
  /** The workspace: tiny.rekd, runs/, cache/. */
  cwd: string;
  /** Run directories (absolute) of MoCo alone and of MoCo with ReKD; 2 epochs, 8 steps each. */
  moco: string;
  rekd: string;
}

let shared: Promise<TinyRuns> | undefined;

/** The two tiny runs, trained on the first call (about 20 s on two busy cores) and shared after it. */
export function tinyRuns(): Promise<TinyRuns> {
  shared ??= (async () => {
    const cwd = workspace(tinyExperiment(2, { relation: false }) + tinyExperiment(2));
    const runDir = async (name: string) => {
      const outcome = await rekdcIn(cwd, 'run', 'tiny.rekd', name, '--format', 'json');
      if (outcome.code !== 0) throw new Error(`rekdc run tiny.rekd ${name} exited with ${outcome.code}: ${outcome.stderr}`);
      return path.join(cwd, (JSON.parse(outcome.stdout) as { run_dir: string }).run_dir);
    };
    return { cwd, moco: await runDir('moco'), rekd: await runDir('tiny') };
  })();
  return shared;
}
