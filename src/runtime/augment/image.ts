/** The image type augmentations work on: one float32 HWC image with values in [0, 1]. */
export interface FloatImage {
  data: Float32Array;
  height: number;
  width: number;
  channels: number;
}

/** Reads image `index` of an NHWC uint8 array as a float image in [0, 1]. */
export function floatImageFromBytes(
  bytes: Uint8Array,
  index: number,
  height: number,
  width: number,
  channels: number,
): FloatImage {
  const size = height * width * channels;
  const data = new Float32Array(size);
  const start = index * size;
  for (let i = 0; i < size; i++) data[i] = bytes[start + i] / 255;
  return { data, height, width, channels };
}

export function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

/** ITU-R 601 luma, the grey level torchvision and PIL use. */
export function luma(r: number, g: number, b: number): number {
  return 0.299 * r + 0.587 * g + 0.114 * b;
}
