/**
 * One error class per kind of failure, each saying where (file, line, LF, row) and what to do.
 * The CLI prints `message` on one line and exits non-zero; `--verbose` adds the stack.
 */
export class BallotError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Malformed or unreadable input data. `line` is 1-based in the file; `row` is the 0-based data row. */
export class DataError extends BallotError {
  readonly file: string;
  readonly line?: number;
  readonly row?: number;
  constructor(file: string, what: string, where: { line?: number; row?: number } = {}, options?: { cause?: unknown }) {
    const loc = [where.line !== undefined ? `line ${where.line}` : '', where.row !== undefined ? `row ${where.row}` : ''].filter(Boolean).join(', ');
    super(`${file}${loc ? ` (${loc})` : ''}: ${what}`, options);
    this.file = file;
    this.line = where.line;
    this.row = where.row;
  }
}

/** A labeling function threw or returned something outside its label space. */
export class LabelingFunctionError extends BallotError {
  readonly lf: string;
  readonly row: number;
  /** What went wrong, without the LF/row prefix. */
  readonly what: string;
  /** The data file the row is in, when known. */
  readonly file?: string;
  constructor(lf: string, row: number, what: string, options?: { cause?: unknown; file?: string }) {
    super(`labeling function "${lf}" failed on row ${row}${options?.file ? ` of ${options.file}` : ''}: ${what}`, options);
    this.lf = lf;
    this.row = row;
    this.what = what;
    this.file = options?.file;
  }

  /** The same error, saying which data file the row is in. */
  inFile(file: string): LabelingFunctionError {
    const e = new LabelingFunctionError(this.lf, this.row, this.what, { cause: this.cause, file });
    e.stack = this.stack;
    return e;
  }
}

/**
 * Bad options or configuration. Library messages name options, not CLI flags, written in backticks (`batchSize`);
 * `option` says which one, and the CLI turns each backticked option into its flag when it prints the message.
 */
export class ConfigError extends BallotError {
  readonly option?: string;
  constructor(message: string, options?: { cause?: unknown; option?: string }) {
    super(message, options);
    this.option = options?.option;
  }
}

export function describeError(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
