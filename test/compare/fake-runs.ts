/**
 * Run directories written by hand, shaped like a tiny quickstart's (metrics.jsonl windows with loss
 * terms and the relation miner, kNN evaluations during training, eval.json): comparing them needs
 * no training. `quality` shifts every figure so that two runs differ by a known amount.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface FakeRun {
  name: string;
  /** Added to every accuracy and subtracted from every loss. */
  quality: number;
  steps?: number;
  /** Loss terms besides `total`. */
  terms?: string[];
}

export const fakeEval = (quality: number) => ({
  linear: { top1: 0.6 + quality, top5: 0.95, trainLoss: 1.1, steps: 40 },
  knn: { top1: 0.55 + quality, top5: 0.9, k: 3, temperature: 0.07 },
  collapse: { effectiveRank: 5 + 10 * quality, alignment: null, uniformity: -1.5, purity: 0.4 + quality, neighbours: 3 },
});

/** Writes runs/<name>/ under `root` and returns its path. */
export function writeFakeRun(root: string, run: FakeRun): string {
  const dir = path.join(root, run.name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'resolved.json'), JSON.stringify({ name: run.name }));
  const terms = run.terms ?? ['infonce'];
  const lines: object[] = [];
  const steps = run.steps ?? 8;
  for (let step = 1; step <= steps; step++) {
    const epoch = Math.ceil(step / 4);
    const loss = Object.fromEntries(terms.map((term, i) => [term, 3 - step * 0.2 - run.quality + i]));
    loss.total = Object.values(loss).reduce((a, b) => a + b, 0);
    lines.push({ type: 'step', step, epoch, lr: 0.03, images_per_second: 500, loss, miner_precision: 0.2 + step * 0.03 + run.quality, miner_positives: 4, miner_chance: 0.1 });
    if (step % 4 === 0) lines.push({ type: 'eval', step, epoch, knn_top1: 0.4 + epoch * 0.05 + run.quality });
  }
  fs.writeFileSync(path.join(dir, 'metrics.jsonl'), lines.map((l) => JSON.stringify(l) + '\n').join(''));
  fs.writeFileSync(path.join(dir, 'eval.json'), JSON.stringify(fakeEval(run.quality)));
  return dir;
}
