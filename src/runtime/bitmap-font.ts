/**
 * A 5x7 bitmap font of capitals, digits and some punctuation, to write labels into PNG images
 * without a font file or a rasteriser (the preview's column and class names). Lower-case text is
 * written in capitals; a character the font lacks is drawn as `?`.
 */
import type { PNG } from 'pngjs';

export const GLYPH_WIDTH = 5;
export const GLYPH_HEIGHT = 7;
/** One blank column between characters. */
const ADVANCE = GLYPH_WIDTH + 1;

/** Each glyph's seven rows, top first, as base-32 digits whose five bits are its pixels (the highest bit left). */
const GLYPHS: Record<string, string> = {
  'A': 'ehhvhhh',
  'B': 'uhhuhhu',
  'C': 'ehggghe',
  'D': 'uhhhhhu',
  'E': 'vgguggv',
  'F': 'vgguggg',
  'G': 'ehgnhhf',
  'H': 'hhhvhhh',
  'I': 'e44444e',
  'J': '72222ic',
  'K': 'hikokih',
  'L': 'ggggggv',
  'M': 'hrllhhh',
  'N': 'hhpljhh',
  'O': 'ehhhhhe',
  'P': 'uhhuggg',
  'Q': 'ehhhlid',
  'R': 'uhhukih',
  'S': 'fgge11u',
  'T': 'v444444',
  'U': 'hhhhhhe',
  'V': 'hhhhha4',
  'W': 'hhhllla',
  'X': 'hha4ahh',
  'Y': 'hha4444',
  'Z': 'v1248gv',
  '0': 'ehjlphe',
  '1': '4c4444e',
  '2': 'eh1248v',
  '3': 'v2421he',
  '4': '26aiv22',
  '5': 'vgu11he',
  '6': '68guhhe',
  '7': 'v124888',
  '8': 'ehhehhe',
  '9': 'ehhf12c',
  ' ': '0000000',
  '-': '000v000',
  '_': '000000v',
  '.': '00000cc',
  ',': '0000c48',
  ':': '0cc0cc0',
  '/': '01248g0',
  '(': '2488842',
  ')': '8422248',
  '=': '00v0v00',
  '+': '044v440',
  "'": '4480000',
  '?': 'eh12404',
};

function glyphRows(char: string): number[] {
  const code = GLYPHS[char.toUpperCase()] ?? GLYPHS['?'];
  return [...code].map((digit) => parseInt(digit, 32));
}

/** The width in px of `text` drawn at `scale` (each font pixel a scale x scale block). */
export const textWidth = (text: string, scale: number): number => (text.length === 0 ? 0 : (text.length * ADVANCE - 1) * scale);
export const textHeight = (scale: number): number => GLYPH_HEIGHT * scale;

/** Draws `text` with its top-left corner at (x, y) in the grey level `grey`; pixels outside the image are skipped. */
export function drawText(png: PNG, text: string, x: number, y: number, scale: number, grey: number): void {
  [...text].forEach((char, i) => {
    glyphRows(char).forEach((bits, row) => {
      for (let column = 0; column < GLYPH_WIDTH; column++) {
        if (!(bits & (1 << (GLYPH_WIDTH - 1 - column)))) continue;
        const left = x + i * ADVANCE * scale + column * scale;
        const top = y + row * scale;
        for (let dy = 0; dy < scale; dy++) {
          for (let dx = 0; dx < scale; dx++) {
            const px = left + dx;
            const py = top + dy;
            if (px < 0 || py < 0 || px >= png.width || py >= png.height) continue;
            const at = (py * png.width + px) * 4;
            png.data[at] = png.data[at + 1] = png.data[at + 2] = grey;
            png.data[at + 3] = 255;
          }
        }
      }
    });
  });
}
