/**
 * Whether to colour what goes to one stream, decided for that stream (diagnostics of `check` go
 * to stdout, every other command's to stderr): NO_COLOR (any non-empty value) turns colour off;
 * else FORCE_COLOR turns it on (any value but `0` or `false`); else colour only on a terminal
 * whose TERM is not `dumb`.
 */
export function colorFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  return stream.isTTY === true && env.TERM !== 'dumb';
}
