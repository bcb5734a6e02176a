import { DataError } from '../util/errors.js';
import type { Row } from './types.js';

export interface CsvOptions {
  /** Field separator, one character. Default ',' (use '\t' for TSV). */
  delimiter?: string;
  /** Quote character, or false to treat quotes as ordinary characters (plain IANA TSV). Default '"'. */
  quote?: string | false;
  /** false: the first record is data, not a header; columns are `columns` or column1…columnN. Default true. */
  header?: boolean;
  /** Column names: with `header: false` they name the columns; with a header they replace its names (same count). */
  columns?: readonly string[];
}

const LF = 10;
const CR = 13;

// Parser states. Plain numbers rather than an enum so the hot loop compares small integers.
const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
/** Just saw a quote inside a quoted field: either an escaped "" or the closing quote. */
const QUOTE_IN_QUOTED = 3;

/**
 * An RFC-4180 CSV parser that accepts text in chunks and carries its state across them, so a quoted field (even one
 * holding newlines) may span any number of chunks. The first record is the header; every later record becomes a Row
 * whose values are strings exactly as written (no type guessing, empty field = '').
 *
 * Accepted beyond the RFC: LF, CRLF or lone CR line ends, a leading UTF-8 BOM, any one-character delimiter, and blank
 * lines (skipped). Everything else that is malformed throws a DataError naming the file and the 1-based physical line.
 */
export class CsvParser {
  readonly file: string;
  /** The header, once the first record is complete. */
  columns: string[] | undefined;

  private readonly delim: number;
  private readonly quote: number;
  private readonly quoteChar: string;
  private state = FIELD_START;
  /** Text of the current field gathered from earlier chunks (or before a "" escape). */
  private field = '';
  private record: string[] = [];
  /** 1-based physical line the parser is on. */
  private line = 1;
  private recordLine = 1;
  private quoteLine = 1;
  /** The previous chunk ended with a CR: a leading LF in the next chunk belongs to it. */
  private afterCR = false;
  private started = false;
  private finished = false;
  private out: Row[] = [];
  private readonly header: boolean;
  private readonly names: readonly string[] | undefined;

  constructor(file: string, options: CsvOptions = {}) {
    this.file = file;
    const d = options.delimiter ?? ',';
    const q = options.quote === undefined ? '"' : options.quote;
    if (d.length !== 1) throw new DataError(file, `the delimiter must be one character, got ${JSON.stringify(d)}`);
    if (q !== false && q.length !== 1) throw new DataError(file, `the quote must be one character, got ${JSON.stringify(q)}`);
    if (d === '\n' || d === '\r' || d === q) throw new DataError(file, `delimiter ${JSON.stringify(d)} cannot be a line end or the quote`);
    this.delim = d.charCodeAt(0);
    this.quote = q === false ? -1 : q.charCodeAt(0);
    this.quoteChar = q === false ? '' : q;
    this.header = options.header ?? true;
    this.names = options.columns === undefined ? undefined : checkHeader(file, [...options.columns], 0, 'column name list');
  }

  /** Parses the next piece of text; returns the rows completed by it (may be empty). */
  push(text: string): Row[] {
    if (this.finished) throw new Error('CsvParser.push called after end()');
    let i = 0;
    const n = text.length;
    if (!this.started && n > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) i = 1;
    }
    if (this.afterCR && i < n) {
      this.afterCR = false;
      // A CRLF split across chunks: the CR already ended the line (or was kept inside a quoted field).
      if (text.charCodeAt(i) === LF) {
        if (this.state === QUOTED) this.field += '\n';
        i++;
      }
    }
    const { delim, quote } = this;
    let state = this.state;

    while (i < n) {
      if (state === FIELD_START) {
        const c = text.charCodeAt(i);
        if (c === quote) {
          state = QUOTED;
          this.quoteLine = this.line;
          i++;
        } else if (c === delim) {
          this.record.push('');
          i++;
        } else if (c === LF || c === CR) {
          if (this.record.length > 0) {
            this.record.push('');
            this.endRecord();
          } // else: a blank line, skipped
          i = this.newline(text, i, c);
          this.recordLine = this.line;
        } else {
          state = UNQUOTED;
        }
      } else if (state === UNQUOTED) {
        const start = i;
        let c = 0;
        for (; i < n; i++) {
          c = text.charCodeAt(i);
          if (c === delim || c === LF || c === CR || c === quote) break;
        }
        if (i === n) {
          this.field += text.slice(start);
          break;
        }
        if (c === quote) {
          throw new DataError(
            this.file,
            `stray quote inside unquoted field ${this.record.length + 1}${this.columnName()}; ` +
              'a field containing quotes must be quoted as a whole, with inner quotes doubled ("")',
            { line: this.line },
          );
        }
        this.record.push(this.field + text.slice(start, i));
        this.field = '';
        state = FIELD_START;
        if (c === delim) {
          i++;
        } else {
          this.endRecord();
          i = this.newline(text, i, c);
          this.recordLine = this.line;
        }
      } else if (state === QUOTED) {
        const close = text.indexOf(this.quoteChar, i);
        const end = close < 0 ? n : close;
        this.countLineBreaks(text, i, end);
        this.field += text.slice(i, end);
        if (close < 0) {
          // The field continues in the next chunk; remember a trailing CR so a leading LF is not counted twice.
          this.afterCR = end > i && text.charCodeAt(end - 1) === CR;
          i = n;
          break;
        }
        i = close + 1;
        state = QUOTE_IN_QUOTED;
      } else {
        // QUOTE_IN_QUOTED
        const c = text.charCodeAt(i);
        if (c === quote) {
          this.field += text[i];
          state = QUOTED;
          i++;
        } else if (c === delim) {
          this.record.push(this.field);
          this.field = '';
          state = FIELD_START;
          i++;
        } else if (c === LF || c === CR) {
          this.record.push(this.field);
          this.field = '';
          state = FIELD_START;
          this.endRecord();
          i = this.newline(text, i, c);
          this.recordLine = this.line;
        } else {
          throw new DataError(
            this.file,
            `unexpected ${JSON.stringify(text[i])} after the closing quote of field ${this.record.length + 1}${this.columnName()} ` +
              `(quoted field opened on line ${this.quoteLine}); a quote inside a quoted field must be doubled ("")`,
            { line: this.line },
          );
        }
      }
    }
    this.state = state;
    const out = this.out;
    this.out = [];
    return out;
  }

  /** Flushes the last record; throws on an unterminated quote or an empty input. Returns the last rows. */
  end(): Row[] {
    if (this.finished) return [];
    this.finished = true;
    if (this.state === QUOTED) {
      throw new DataError(
        this.file,
        `unterminated quoted field ${this.record.length + 1}${this.columnName()}: the quote opened on line ${this.quoteLine} ` +
          `is never closed (record starts on line ${this.recordLine})`,
        { line: this.quoteLine },
      );
    }
    if (this.state !== FIELD_START || this.record.length > 0) {
      this.record.push(this.field);
      this.field = '';
      this.endRecord();
    }
    if (this.columns === undefined) {
      if (!this.header) this.columns = this.names ? [...this.names] : [];
      else throw new DataError(this.file, 'the file is empty: expected a header row');
    }
    const out = this.out;
    this.out = [];
    return out;
  }

  /** Consumes the line end at `i` (CR, LF or CRLF), counts the line and returns the index after it. */
  private newline(text: string, i: number, c: number): number {
    this.line++;
    if (c === CR) {
      if (i + 1 < text.length) return text.charCodeAt(i + 1) === LF ? i + 2 : i + 1;
      this.afterCR = true;
    }
    return i + 1;
  }

  /** Counts line ends inside a quoted field (CRLF once) so error lines stay physical lines. */
  private countLineBreaks(text: string, from: number, to: number): void {
    let lines = 0;
    for (let j = from; j < to; j++) {
      const c = text.charCodeAt(j);
      // An LF right after a CR is the same line end; a CRLF split across chunks was consumed in push().
      if (c === LF) {
        if (j === 0 || text.charCodeAt(j - 1) !== CR) lines++;
      } else if (c === CR) lines++;
    }
    this.line += lines;
  }

  private columnName(): string {
    const name = this.columns?.[this.record.length];
    return name !== undefined ? ` ("${name}")` : this.columns === undefined ? ' of the header' : '';
  }

  private endRecord(): void {
    const rec = this.record;
    this.record = [];
    const cols = this.columns;
    if (cols === undefined) {
      if (this.header) {
        const named = checkHeader(this.file, rec, this.recordLine);
        if (this.names && this.names.length !== named.length) {
          throw new DataError(this.file, `${this.names.length} column names given, but the header has ${named.length} columns`, {
            line: this.recordLine,
          });
        }
        this.columns = this.names ? [...this.names] : named;
        return;
      }
      // No header: this first record is data; it sets the column count.
      if (this.names && this.names.length !== rec.length) {
        throw new DataError(this.file, `${this.names.length} column names given, but the first row has ${rec.length} fields`, {
          line: this.recordLine,
        });
      }
      this.columns = this.names ? [...this.names] : rec.map((_, j) => `column${j + 1}`);
      this.endRecord0(rec);
      return;
    }
    if (rec.length !== cols.length) {
      throw new DataError(
        this.file,
        `expected ${cols.length} fields (as in the header), got ${rec.length}` +
          (rec.length > cols.length ? '; is an unquoted field holding the delimiter?' : ''),
        { line: this.recordLine },
      );
    }
    this.endRecord0(rec);
  }

  private endRecord0(rec: string[]): void {
    const cols = this.columns!;
    const row: Row = Object.create(null); // keys are data: "constructor" must be an ordinary key
    for (let j = 0; j < cols.length; j++) row[cols[j]] = rec[j];
    this.out.push(row);
  }
}

function checkHeader(file: string, names: string[], line: number, what = 'header'): string[] {
  const seen = new Map<string, number>();
  const at = line > 0 ? { line } : {};
  names.forEach((name, j) => {
    if (name === '') throw new DataError(file, `${what} column ${j + 1} has an empty name`, at);
    if (name === '__proto__') throw new DataError(file, `${what} column ${j + 1} is named "__proto__", which cannot be a row key`, at);
    const prev = seen.get(name);
    if (prev !== undefined) throw new DataError(file, `${what} names "${name}" twice (columns ${prev + 1} and ${j + 1})`, at);
    seen.set(name, j);
  });
  return names;
}

/** Parses a whole CSV/TSV text (header row first) into columns and rows. */
export function parseCSV(text: string, file: string, options: CsvOptions = {}): { columns: string[]; rows: Row[] } {
  const parser = new CsvParser(file, options);
  const rows = parser.push(text);
  for (const r of parser.end()) rows.push(r);
  return { columns: parser.columns!, rows };
}
