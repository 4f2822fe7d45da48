/**
 * A request that names something that does not exist or combines what cannot be combined (an
 * unknown experiment, a grid named where an experiment is expected, a queue URL that is not
 * Redis's). Front ends show its message alone; the CLI exits with 2.
 */
export class UsageError extends Error {}
