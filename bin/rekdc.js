#!/usr/bin/env node
// package.json's engines: tsx's loader needs module.register and runs need import.meta.resolve
// (Node 20.6), sharp needs 20.9, vega-lite (rekdc compare) 20.19 or 22.12. Said in one line
// rather than as a loader's stack trace.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19) || (major === 22 && minor < 12) || major === 21) {
  process.stderr.write(`rekdc: Node.js 20.19+, 22.12+ or 23+ is needed; this is ${process.version}\n`);
  process.exit(1);
}
// The CLI runs from TypeScript sources, so there is no build step to go stale. The front-end
// commands (and help, version and usage errors without a command) start from a bundle of those
// sources cached by fingerprint (src/cli/start-cache.mjs); every other command, and any failure
// of the cache, goes through tsx.
const FAST = new Set(['check', 'explain', 'schema', 'help', '-h', '--help', '-V', '--version', undefined]);
let main;
if (FAST.has(process.argv[2])) {
  const { cachedMain } = await import('../src/cli/start-cache.mjs');
  main = await cachedMain().catch((error) => {
    if (process.env.REKD_DEBUG === '1') process.stderr.write(`rekdc: the cached start failed; starting through tsx: ${error?.stack ?? error}\n`);
    return undefined;
  });
}
if (!main) {
  // Both of tsx's hooks, as `node --import tsx` registers them: without the CommonJS one, a
  // package whose CommonJS entry requires ES modules (TensorFlow.js) fails to load in-process.
  (await import('tsx/esm/api')).register();
  (await import('tsx/cjs/api')).register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
