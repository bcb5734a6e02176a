import { MessageHeader, MessageReader, Type, type DataType, type Schema, type Table } from 'apache-arrow';
import { createHash } from 'node:crypto';
import { DataError } from '../util/errors.js';

/**
 * An Arrow IPC *file* holds its record batches as a message stream after the leading magic, and a footer at the end
 * with the schema and where each batch is. Readers trust the footer, so a flipped footer byte silently turned a
 * column into type Null ("3,000 rows of {null: null}") or retyped it. Reading the message headers of the stream too
 * (cheap: no bodies are decoded) and requiring them to fit the footer refuses such damage: the same batches with the
 * same row counts, one field node per schema field with that row count, and each field's buffers as its type needs
 * (count, and for fixed-width types a data buffer of rows × width).
 */
export function verifyArrowFile(bytes: Uint8Array, fromFooter: Table, file: string): void {
  checkSchemaFingerprint(file, fromFooter.schema);
  const batches: { length: number; nodes: { length: number }[]; buffers: { length: number }[] }[] = [];
  try {
    const reader = new MessageReader(bytes.subarray(8)); // magic (6) + padding (2), then the messages
    for (;;) {
      const msg = reader.readMessage();
      if (!msg) break;
      if (msg.headerType === MessageHeader.RecordBatch) {
        const h = msg.header() as unknown as {
          length: number | bigint;
          nodes: { length: number | bigint }[];
          buffers: { length: number | bigint }[];
        };
        batches.push({
          length: Number(h.length),
          nodes: h.nodes.map((x) => ({ length: Number(x.length) })),
          buffers: h.buffers.map((x) => ({ length: Number(x.length) })),
        });
      }
      reader.readMessageBody(msg.bodyLength);
    }
  } catch (e) {
    throw damaged(file, `its record-batch messages do not parse (${(e as Error).message})`);
  }
  // apache-arrow shows a file without record batches as one empty batch: compare the batches that hold rows.
  const footer = fromFooter.batches.map((x) => x.numRows).filter((x) => x > 0);
  batches.splice(0, batches.length, ...batches.filter((x) => x.length > 0));
  if (footer.length !== batches.length || footer.some((x, i) => x !== batches[i].length)) {
    throw damaged(
      file,
      `the footer lists ${footer.length} record batches (${sum(footer)} rows), the file holds ${batches.length} (${sum(batches.map((x) => x.length))} rows)`,
    );
  }
  const layout = fromFooter.schema.fields.map((f) => bufferLayout(f.type));
  const flat = layout.every((l) => l !== undefined);
  for (let bi = 0; bi < batches.length; bi++) {
    const b = batches[bi];
    if (!flat || b.length === 0) continue; // nested or unusual types: the row counts above are what we can check
    if (b.nodes.length !== layout.length) throw damaged(file, `batch ${bi} has ${b.nodes.length} field nodes, the schema ${layout.length} fields`);
    let k = 0;
    for (let j = 0; j < layout.length; j++) {
      const { buffers, width } = layout[j]!;
      const name = fromFooter.schema.fields[j].name;
      if (b.nodes[j].length !== b.length) throw damaged(file, `column "${name}" has ${b.nodes[j].length} values in batch ${bi} of ${b.length} rows`);
      if (width !== undefined && b.length > 0 && (b.buffers[k + 1]?.length ?? -1) < Math.ceil((b.length * width) / 8)) {
        throw damaged(file, `column "${name}" (${String(fromFooter.schema.fields[j].type)}) has a data buffer too small for ${b.length} rows`);
      }
      k += buffers;
    }
    if (k !== b.buffers.length)
      throw damaged(file, `batch ${bi} has ${b.buffers.length} buffers, the schema's types need ${k} (a column's type was changed?)`);
  }
}

/** Buffers of one flat column of this type (validity first) and the data width in bits, or undefined if nested/other. */
function bufferLayout(t: DataType): { buffers: number; width?: number } | undefined {
  switch (t.typeId) {
    case Type.Null:
      return { buffers: 0 };
    case Type.Int:
      return { buffers: 2, width: (t as unknown as { bitWidth: number }).bitWidth };
    case Type.Float:
      return { buffers: 2, width: [16, 32, 64][(t as unknown as { precision: number }).precision] };
    case Type.Bool:
      return { buffers: 2, width: 1 };
    case Type.Date:
      return { buffers: 2, width: (t as unknown as { unit: number }).unit === 0 ? 32 : 64 };
    case Type.Timestamp:
      return { buffers: 2, width: 64 };
    case Type.Utf8:
    case Type.Binary:
      return { buffers: 3 };
    default:
      return undefined;
  }
}

/** What differs between two schemas (names, types, nullability, metadata), or '' when they agree. */
export function schemaDifference(a: Schema, b: Schema): string {
  if (a.fields.length !== b.fields.length) return `${a.fields.length} columns vs ${b.fields.length}`;
  for (let j = 0; j < a.fields.length; j++) {
    const [x, y] = [a.fields[j], b.fields[j]];
    if (x.name !== y.name) return `column ${j + 1} is "${x.name}" vs "${y.name}"`;
    if (String(x.type) !== String(y.type) || x.nullable !== y.nullable) return `column "${x.name}" is ${String(x.type)} vs ${String(y.type)}`;
  }
  const ma = [...a.metadata].sort(([p], [q]) => (p < q ? -1 : 1));
  const mb = [...b.metadata].sort(([p], [q]) => (p < q ? -1 : 1));
  if (JSON.stringify(ma) !== JSON.stringify(mb)) return 'the schema metadata differs';
  return '';
}

function sum(xs: number[]): number {
  return xs.reduce((s, x) => s + x, 0);
}

function damaged(file: string, why: string): DataError {
  return new DataError(file, `damaged Arrow IPC file: ${why}; re-create it (e.g. re-run the command that wrote it)`);
}

/** Refuses a schema whose stored fingerprint (files ballot wrote) does not match its names, types and metadata. */
export function checkSchemaFingerprint(file: string, schema: Schema): void {
  const stored = schema.metadata.get(SCHEMA_FINGERPRINT);
  if (stored !== undefined && stored !== schemaFingerprint(schema.fields, schema.metadata)) {
    throw damaged(file, 'its schema (column names, types or metadata) does not match the fingerprint ballot wrote with it');
  }
}

/** Schema metadata key of the fingerprint ballot stores with every Arrow file it writes. */
export const SCHEMA_FINGERPRINT = 'ballot.schema_sha256';

/**
 * sha256 of the column names, types, nullability and the other metadata. The footer is the only copy of the schema in
 * an Arrow file, so a flipped byte in a column name would go unseen without it.
 */
export function schemaFingerprint(
  fields: readonly { name: string; type: DataType; nullable: boolean }[],
  metadata: ReadonlyMap<string, string> = new Map(),
): string {
  const meta = [...metadata].filter(([k]) => k !== SCHEMA_FINGERPRINT).sort(([p], [q]) => (p < q ? -1 : 1));
  return createHash('sha256')
    .update(JSON.stringify([fields.map((f) => [f.name, String(f.type), f.nullable]), meta]))
    .digest('hex');
}

/** The metadata with the fingerprint of these fields added (for a Schema about to be written). */
export function withSchemaFingerprint(
  fields: readonly { name: string; type: DataType; nullable: boolean }[],
  metadata: Map<string, string> = new Map(),
): Map<string, string> {
  const out = new Map(metadata);
  out.set(SCHEMA_FINGERPRINT, schemaFingerprint(fields, metadata));
  return out;
}
