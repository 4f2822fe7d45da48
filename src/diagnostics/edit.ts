/**
 * What an edit of a file did to its text, and what follows for anything computed from the old
 * text: a span the edit did not touch is the same text in the new version, at a place this says.
 * The language server uses it to keep the syntax and results of what an edit left alone.
 */
import { spanAt, type Span } from './span.ts';

const CHUNK = 256;

/** One changed stretch: `[start, oldEnd)` of the old text became `[start, newEnd)` of the new; the rest is equal. */
export class TextEdit {
  readonly start: number;
  readonly oldEnd: number;
  readonly newEnd: number;

  constructor(readonly file: string, readonly oldText: string, readonly newText: string) {
    const shorter = Math.min(oldText.length, newText.length);
    const same = (from: number, to: number, offset: number) => oldText.slice(from, to) === newText.slice(from + offset, to + offset);
    let start = oldText === newText ? shorter : 0;
    // Whole chunks first (string comparison is native), then character by character.
    while (start + CHUNK <= shorter && same(start, start + CHUNK, 0)) start += CHUNK;
    while (start < shorter && oldText.charCodeAt(start) === newText.charCodeAt(start)) start++;
    const offset = newText.length - oldText.length;
    let tail = 0;
    while (tail + CHUNK <= shorter - start && same(oldText.length - tail - CHUNK, oldText.length - tail, offset)) tail += CHUNK;
    while (tail < shorter - start && oldText.charCodeAt(oldText.length - 1 - tail) === newText.charCodeAt(newText.length - 1 - tail)) tail++;
    this.start = start;
    this.oldEnd = oldText.length - tail;
    this.newEnd = newText.length - tail;
  }

  /** The new offset of an old one outside the changed stretch. */
  offset(old: number): number {
    return old < this.oldEnd ? old : old - this.oldEnd + this.newEnd;
  }

  /** The line of the old text's `oldEnd` and how many lines the edit added (negative: removed). */
  private lines: { end: number; added: number } | undefined;

  /** The span in the new text of an old span of this file the edit did not touch; null when it touched it. */
  span(span: Span): Span | null {
    if (span.end <= this.start) return span;
    return span.start < this.oldEnd ? null : this.after(span);
  }

  /** The span in the new text of an old span of this file that starts after the changed stretch. */
  after(span: Span): Span {
    if (this.newEnd === this.oldEnd) return span;
    const start = this.offset(span.start);
    const end = this.offset(span.end);
    if (!this.lines) {
      const end = spanAt(this.file, this.oldText, this.oldEnd, this.oldEnd).line;
      this.lines = { end, added: spanAt(this.file, this.newText, this.newEnd, this.newEnd).line - end };
    }
    // The text after the edit is the same, so a span on a later line than the edit's end keeps its column.
    if (span.line > this.lines.end) return { file: span.file, start, end, line: span.line + this.lines.added, column: span.column };
    return spanAt(this.file, this.newText, start, end);
  }
}

const isSpan = (value: object): value is Span => {
  const v = value as Partial<Span>;
  return typeof v.start === 'number' && typeof v.end === 'number' && typeof v.column === 'number' && typeof v.file === 'string';
};

/** Thrown inside `moveSpans` when a span cannot be moved. */
const TOUCHED = Symbol('touched');

/**
 * The edits of every file of a program between two versions (a file whose text did not change
 * has an edit that changes nothing). A span in a file the new version does not have cannot move.
 */
export class ProgramEdit {
  private readonly edits = new Map<string, TextEdit>();

  constructor(edits: Iterable<TextEdit>) {
    for (const edit of edits) this.edits.set(edit.file, edit);
  }

  edit(file: string): TextEdit | undefined {
    return this.edits.get(file);
  }

  span(span: Span): Span | null {
    return this.edits.get(span.file)?.span(span) ?? null;
  }

  /**
   * `value` (plain objects, arrays and maps holding spans) with every span moved to the new text;
   * parts with no moved span are the same objects. Null when the edit touched one of its spans.
   */
  moveSpans<T>(value: T): T | null {
    try {
      return this.moved(value) as T;
    } catch (error) {
      if (error === TOUCHED) return null;
      throw error;
    }
  }

  private moved(value: unknown): unknown {
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) {
      let copy: unknown[] | null = null;
      for (let i = 0; i < value.length; i++) {
        const moved = this.moved(value[i]);
        if (moved !== value[i]) copy ??= value.slice();
        if (copy) copy[i] = moved;
      }
      return copy ?? value;
    }
    if (value instanceof Map) {
      let copy: Map<unknown, unknown> | null = null;
      for (const [key, item] of value) {
        const moved = this.moved(item);
        if (moved !== item) copy ??= new Map(value);
        copy?.set(key, moved);
      }
      return copy ?? value;
    }
    if (isSpan(value)) {
      const moved = this.span(value);
      if (moved === null) throw TOUCHED;
      return moved;
    }
    const object = value as Record<string, unknown>;
    let copy: Record<string, unknown> | null = null;
    for (const key in object) {
      const item = object[key];
      if (item === null || typeof item !== 'object') continue;
      const moved = this.moved(item);
      if (moved !== item) copy ??= { ...object };
      if (copy) copy[key] = moved;
    }
    return copy ?? value;
  }
}
