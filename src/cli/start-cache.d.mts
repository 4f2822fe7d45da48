/** Types of start-cache.mjs (plain JavaScript: it runs before tsx is registered). */
export function fingerprint(base?: string): string;
export function cachedMain(): Promise<(argv: string[]) => Promise<number>>;
