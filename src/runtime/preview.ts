/**
 * `rekdc preview`: a PNG grid of what the network sees. For each of `count` train images (classes
 * taken in turn) a group of cells: the original, view 1, view 2 and, with a weak pipeline, the weak
 * view; four groups per row, nearest-neighbour upscaled so a cell is at least 64 px. The columns
 * are named at the top, and each group's class above it.
 */
import { PNG } from 'pngjs';
import type { AugmentOp } from './augment/pipeline.ts';
import { drawText, textHeight, textWidth } from './bitmap-font.ts';
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
const TEXT = 230;
/** Space between a label and what it names. */
const LABEL_GAP = 4;

/** The largest scale (2 or 1) at which every text fits `width`. */
const fitScale = (texts: readonly string[], width: number): number => (texts.every((t) => textWidth(t, 2) <= width) ? 2 : 1);
/** `text` cut to the characters that fit `width` at `scale`. */
const fitText = (text: string, width: number, scale: number): string => text.slice(0, Math.max(1, Math.floor((width / scale + 1) / 6)));

/** Where the preview's parts go (for the renderer and its tests). */
export interface PreviewLayout {
  cell: number;
  /** The column names' scale and the height of their band at the top. */
  columnScale: number;
  header: number;
  /** The class names' scale and the height of the band above each group. */
  classScale: number;
  caption: number;
}

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
    { name: 'original', data: original, shape },
    { name: 'view 1', data: views.view1, shape: maker.strong.output },
    { name: 'view 2', data: views.view2, shape: maker.strong.output },
    ...(views.weak && maker.weak ? [{ name: 'weak', data: views.weak, shape: maker.weak.output }] : []),
  ];
  const side = Math.max(...columns.flatMap((c) => [c.shape.height, c.shape.width]));
  const scale = Math.max(1, Math.ceil(MIN_CELL / side));
  const layout = previewLayout(side * scale, columns.map((c) => c.name), indices.map((index) => className(dataset, dataset.train.labels[index])));
  const { cell, header, caption } = layout;
  const groupWidth = columns.length * cell + (columns.length - 1) * GAP;
  const groupsPerRow = Math.min(GROUPS_PER_ROW, indices.length);
  const rows = Math.ceil(indices.length / groupsPerRow);
  const png = new PNG({
    width: GROUP_GAP + groupsPerRow * (groupWidth + GROUP_GAP),
    height: GROUP_GAP + header + rows * (caption + cell + GROUP_GAP),
  });
  fill(png, BACKGROUND);
  for (let g = 0; g < groupsPerRow; g++) {
    columns.forEach((column, c) => {
      const text = fitText(column.name, cell, layout.columnScale);
      const left = GROUP_GAP + g * (groupWidth + GROUP_GAP) + c * (cell + GAP) + ((cell - textWidth(text, layout.columnScale)) >> 1);
      drawText(png, text, left, GROUP_GAP, layout.columnScale, TEXT);
    });
  }
  indices.forEach((index, i) => {
    const x0 = GROUP_GAP + (i % groupsPerRow) * (groupWidth + GROUP_GAP);
    const band = GROUP_GAP + header + Math.floor(i / groupsPerRow) * (caption + cell + GROUP_GAP);
    drawText(png, fitText(className(dataset, dataset.train.labels[index]), groupWidth, layout.classScale), x0, band, layout.classScale, TEXT);
    const y0 = band + caption;
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

/** The name of class `label`: the data set's, else `class <label>`. */
const className = (dataset: Dataset, label: number): string => dataset.classNames?.[label] ?? `class ${label}`;

/** Label scales and bands for cells of `cell` px: column names over their cells, class names over their groups. */
export function previewLayout(cell: number, columnNames: readonly string[], classNames: readonly string[]): PreviewLayout {
  const columnScale = fitScale(columnNames, cell);
  const groupWidth = columnNames.length * cell + (columnNames.length - 1) * GAP;
  const classScale = fitScale(classNames, groupWidth);
  return { cell, columnScale, header: textHeight(columnScale) + LABEL_GAP, classScale, caption: textHeight(classScale) + LABEL_GAP };
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
