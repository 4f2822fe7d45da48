/**
 * Chevrotain's single-file ESM bundle. The package entry loads hundreds of lodash-es modules
 * (about 1.4 s at start-up); the bundle it ships loads in ~60 ms. Types come from the package.
 * REKD_CHEVROTAIN=package loads the package entry instead: @chevrotain/cst-dts-gen checks
 * `instanceof` against the package's own classes (grammar/cst-types.ts sets it).
 */
import type * as Chevrotain from 'chevrotain';

const bundle = new URL('../chevrotain.mjs', import.meta.resolve('chevrotain'));
const chevrotain = (process.env.REKD_CHEVROTAIN === 'package' ? await import('chevrotain') : await import(bundle.href)) as typeof Chevrotain;

export const { createToken, Lexer, CstParser, createSyntaxDiagramsCode } = chevrotain;
