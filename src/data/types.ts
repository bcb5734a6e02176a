/** One data row: column name → value. CSV/TSV values are strings; JSONL and Arrow keep their JSON/Arrow types. */
export type Row = Record<string, unknown>;

export type DataFormat = 'csv' | 'tsv' | 'jsonl' | 'arrow' | 'parquet';

/** A whole table read into memory. `columns` is the header (CSV), the union of keys (JSONL) or the schema (Arrow). */
export interface Dataset {
  file: string;
  format: DataFormat;
  columns: string[];
  rows: Row[];
}

/** One bounded slice of a file read by `readRowBatches`; `offset` is the index of `rows[0]` in the whole file. */
export interface RowBatch {
  offset: number;
  rows: Row[];
  columns: string[];
}
