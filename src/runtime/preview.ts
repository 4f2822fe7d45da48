/**
 * `rekdc preview`: a PNG grid of what the network sees. For each of `count` train images (classes
 * taken in turn) a group of cells: the original, view 1, view 2 and, with a weak pipeline, the weak
 * view; four groups per row, nearest-neighbour upscaled so a cell is at least 64 px.
 */
import { PNG } from 'pngjs';
import type { AugmentOp } from './augment/pipeline.ts';
import type { Warn } from './user-problems.ts';
import type { Dataset } from './data/dataset.ts';
import { loadDataset, type DataSpec } from './data/load.ts';
import { makeViewMaker } from './data/views.ts';
import { writeFileAtomic } from './run/atomic.ts';

export interface PreviewOptions {
  data: DataSpec;
  augment: readonly AugmentOp[];
  weak?: readonly AugmentOp[];
  seed: number;
  /** Path of the PNG file to write. */
  out: string;
  /** Number of original images (default 16). */
  count?: number;
  cacheDir?: string;
  warn?: Warn;
}

export interface PreviewResult {
  path: string;
  width: number;
  height: number;
  images: number;
}

const GROUPS_PER_ROW = 4;
const MIN_CELL = 64;
const GAP = 2;
const GROUP_GAP = 10;
const BACKGROUND = 40;

export async function writePreview(options: PreviewOptions): Promise<PreviewResult> {
  const dataset = await loadDataset(options.data, { seed: options.seed, cacheDir: options.cacheDir, warn: options.warn });
  const png = renderPreview(dataset, options);
  writeFileAtomic(options.out, PNG.sync.write(png));
  return { path: options.out, width: png.width, height: png.height, images: Math.min(options.count ?? 16, dataset.train.count) };
}

/** The grid as an RGBA image (pure: the same settings give the same pixels). */
export function renderPreview(dataset: Dataset, options: Pick<PreviewOptions, 'augment' | 'weak' | 'seed' | 'count'>): PNG {
  const shape = { height: dataset.height, width: dataset.width, channels: dataset.channels };
  const maker = makeViewMaker({ seed: options.seed, shape, augment: options.augment, weak: options.weak });
  const indices = pickImages(dataset, options.count ?? 16);
  const views = maker.make(dataset.train.images, indices, 0);
  const perImage = shape.height * shape.width * shape.channels;
  const original = new Float32Array(indices.length * perImage);
  indices.forEach((index, i) => {
    for (let p = 0; p < perImage; p++) original[i * perImage + p] = dataset.train.images[index * perImage + p] / 255;
  });
  const columns = [
    { data: original, shape },
    { data: views.view1, shape: maker.strong.output },
    { data: views.view2, shape: maker.strong.output },
    ...(views.weak && maker.weak ? [{ data: views.weak, shape: maker.weak.output }] : []),
  ];
  const side = Math.max(...columns.flatMap((c) => [c.shape.height, c.shape.width]));
  const scale = Math.max(1, Math.ceil(MIN_CELL / side));
  const cell = side * scale;
  const groupWidth = columns.length * cell + (columns.length - 1) * GAP;
  const groupsPerRow = Math.min(GROUPS_PER_ROW, indices.length);
  const rows = Math.ceil(indices.length / groupsPerRow);
  const png = new PNG({
    width: GROUP_GAP + groupsPerRow * (groupWidth + GROUP_GAP),
    height: GROUP_GAP + rows * (cell + GROUP_GAP),
  });
  fill(png, BACKGROUND);
  indices.forEach((_, i) => {
    const x0 = GROUP_GAP + (i % groupsPerRow) * (groupWidth + GROUP_GAP);
    const y0 = GROUP_GAP + Math.floor(i / groupsPerRow) * (cell + GROUP_GAP);
    columns.forEach((column, c) => {
      const { height, width, channels } = column.shape;
      const offset = i * height * width * channels;
      // Smaller images (a crop to a smaller size) are centred in their cell.
      const left = x0 + c * (cell + GAP) + ((cell - width * scale) >> 1);
      const top = y0 + ((cell - height * scale) >> 1);
      for (let y = 0; y < height * scale; y++) {
        for (let x = 0; x < width * scale; x++) {
          const source = offset + (Math.floor(y / scale) * width + Math.floor(x / scale)) * channels;
          const target = ((top + y) * png.width + left + x) * 4;
          for (let k = 0; k < 3; k++) png.data[target + k] = Math.round(255 * column.data[source + (channels === 3 ? k : 0)]);
          png.data[target + 3] = 255;
        }
      }
    });
  });
  return png;
}

/** `count` train images, classes in turn (the first of each class, then the second, ...). */
function pickImages(dataset: Dataset, count: number): number[] {
  const byClass = new Map<number, number[]>();
  dataset.train.labels.forEach((label, index) => {
    if (!byClass.has(label)) byClass.set(label, []);
    byClass.get(label)!.push(index);
  });
  const lists = [...byClass.entries()].sort((a, b) => a[0] - b[0]).map(([, list]) => list);
  const picked: number[] = [];
  for (let rank = 0; picked.length < Math.min(count, dataset.train.count); rank++) {
    for (const list of lists) if (rank < list.length && picked.length < count) picked.push(list[rank]);
  }
  return picked;
}

function fill(png: PNG, grey: number): void {
  for (let i = 0; i < png.data.length; i += 4) {
    png.data[i] = png.data[i + 1] = png.data[i + 2] = grey;
    png.data[i + 3] = 255;
  }
}
