/** CSV as pandas, R and spreadsheets read it: a header line, comma-separated fields, quotes only where needed. */

/** A field quoted when it holds a comma, a quote or a line break (quotes doubled). */
export const csvField = (text: string): string => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);

/** Lines of fields as CSV text, each line ended by a newline. */
export const csv = (lines: readonly (readonly string[])[]): string => lines.map((line) => line.map(csvField).join(',')).join('\n') + '\n';

/** A number at full precision (the shortest text that reads back as the same double); empty when absent. */
export const exactNumber = (v: number | undefined): string => (v === undefined ? '' : String(v));
