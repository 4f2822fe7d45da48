/** Types of start-cache.mjs (plain JavaScript: it runs before tsx is registered). */
export function signature(path: string): string | null;
export function upToDate(inputs: Record<string, string>, base?: string): boolean;
export function cachedMain(): Promise<(argv: string[]) => Promise<number>>;
