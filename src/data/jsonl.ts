import { DataError } from '../util/errors.js';
import type { Row } from './types.js';

/**
 * A JSON Lines parser that accepts text in chunks: one JSON object per line, blank lines allowed, LF or CRLF.
 * Columns are the union of all keys in first-seen order. A line that is not valid JSON, or is valid JSON but not an
 * object, throws a DataError naming the file and the 1-based line.
 */
export class JsonlParser {
  readonly file: string;
  private readonly seen = new Set<string>();
  readonly columns: string[] = [];
  /** Text of an incomplete last line carried to the next chunk. */
  private rest = '';
  private line = 0;
  private started = false;

  constructor(file: string) {
    this.file = file;
  }

  push(text: string): Row[] {
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const out: Row[] = [];
    let start = 0;
    let nl = text.indexOf('\n');
    if (nl < 0) {
      this.rest += text;
      return out;
    }
    if (this.rest !== '') {
      this.parseLine(this.rest + text.slice(0, nl), out);
      this.rest = '';
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    while (nl >= 0) {
      this.parseLine(text.slice(start, nl), out);
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    this.rest = text.slice(start);
    return out;
  }

  end(): Row[] {
    const out: Row[] = [];
    if (this.rest !== '') this.parseLine(this.rest, out);
    this.rest = '';
    return out;
  }

  private parseLine(s: string, out: Row[]): void {
    this.line++;
    // Blank (or whitespace-only, or a lone CR) lines are allowed.
    if (s.length === 0 || (s.length <= 2 && s.trim() === '')) return;
    let v: unknown;
    try {
      v = JSON.parse(s);
    } catch (e) {
      if (s.trim() === '') return;
      throw new DataError(this.file, `invalid JSON: ${(e as Error).message}`, { line: this.line }, { cause: e });
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      const kind = v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`;
      throw new DataError(this.file, `expected a JSON object on each line, got ${kind}`, { line: this.line });
    }
    const row = v as Row;
    for (const key in row) {
      if (!this.seen.has(key)) {
        this.seen.add(key);
        this.columns.push(key);
      }
    }
    out.push(row);
  }
}

/** Parses a whole JSON Lines text. */
export function parseJSONL(text: string, file: string): { columns: string[]; rows: Row[] } {
  const p = new JsonlParser(file);
  const rows = p.push(text);
  for (const r of p.end()) rows.push(r);
  return { columns: p.columns, rows };
}
