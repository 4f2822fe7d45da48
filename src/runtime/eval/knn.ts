/** `knn` evaluation: weighted cosine k-nearest-neighbour classification (InstDisc / MoCo protocol). */
import { type TopAccuracy, topAccuracy } from './accuracy.ts';
import { type FeatureInput, type LabelInput, labelledSplits, type StopCheck } from './features.ts';
import { nearestNeighbours } from './neighbours.ts';

export interface KnnOptions {
  k?: number;
  temperature?: number;
}

export interface KnnResult extends TopAccuracy {
  k: number;
  temperature: number;
}

/**
 * Each test row votes for the classes of its k most similar training rows with weight
 * exp(similarity / temperature); top-1 and top-5 accuracy of the vote. `stopCheck` runs after
 * every chunk of test rows.
 */
export async function knnAccuracy(
  train: FeatureInput,
  trainLabels: LabelInput,
  test: FeatureInput,
  testLabels: LabelInput,
  options: KnnOptions = {},
  stopCheck?: StopCheck,
): Promise<KnnResult> {
  const k = options.k ?? 20;
  const temperature = options.temperature ?? 0.07;
  if (!(temperature > 0)) throw new Error(`knn temperature must be > 0, got ${temperature}`);
  const { train: trainMatrix, trainLabels: trainY, test: testMatrix, testLabels: testY, classes } = labelledSplits(
    train, trainLabels, test, testLabels, 'knn',
  );
  const used = Math.min(k, trainMatrix.rows);
  const neighbours = await nearestNeighbours(testMatrix, trainMatrix, used, false, stopCheck);
  const scores = new Float64Array(testMatrix.rows * classes);
  for (let i = 0; i < testMatrix.rows; i++) {
    for (let j = i * used; j < (i + 1) * used; j++) {
      scores[i * classes + trainY[neighbours.indices[j]]] += Math.exp(neighbours.similarities[j] / temperature);
    }
  }
  return { ...topAccuracy(scores, testY, classes), k: used, temperature };
}
