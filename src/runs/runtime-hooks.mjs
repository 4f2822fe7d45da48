// Lets a generated program import 'rekd/runtime' from any folder (a run directory outside this
// package): `node --import <this file>` maps that specifier to this package's src/runtime/index.ts.
// Plain JavaScript: module hooks run in their own thread, before tsx could compile anything there.
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

const runtime = new URL('../runtime/index.ts', import.meta.url).href;

export async function resolve(specifier, context, next) {
  return next(specifier === 'rekd/runtime' ? runtime : specifier, context);
}

// Loaded once on the main thread by --import (registers), once more on the hooks thread (does not).
if (isMainThread) register(import.meta.url);
