import { DataError } from '../util/errors.js';

/**
 * Structural check of an Arrow IPC *file* before apache-arrow parses it. apache-arrow reads the footer's flatbuffer
 * without bounds checks, so a flipped footer byte can send it into a loop over a garbage vector length (a hang, not an
 * error: 3 of 570 single-byte flips of a small label matrix). This verifies the footer flatbuffer the way the
 * flatbuffers Verifier does (every offset, vtable, vector and string inside the buffer and aligned; depth and table
 * count bounded), against the schema of Arrow's File.fbs / Schema.fbs / Message.fbs, then what the footer points at:
 * every block inside the data region, and each block's message header verified the same way, with its buffers inside
 * its body. Anything off is a DataError naming the file.
 */

/** A flatbuffer table's fields, by slot: what each holds. */
type FieldSpec =
  | { kind: 'scalar'; size: 1 | 2 | 4 | 8 }
  | { kind: 'string' }
  | { kind: 'table'; table: TableSpec }
  | { kind: 'structs'; size: number }
  | { kind: 'scalars'; size: 1 | 2 | 4 | 8 }
  | { kind: 'tables'; table: () => TableSpec }
  | { kind: 'union'; tagSlot: number; tables: readonly (TableSpec | undefined)[] };
type TableSpec = readonly FieldSpec[];

const byte: FieldSpec = { kind: 'scalar', size: 1 };
const short: FieldSpec = { kind: 'scalar', size: 2 };
const int: FieldSpec = { kind: 'scalar', size: 4 };
const long: FieldSpec = { kind: 'scalar', size: 8 };
const str: FieldSpec = { kind: 'string' };

const KEY_VALUE: TableSpec = [str, str];
const metadata: FieldSpec = { kind: 'tables', table: () => KEY_VALUE };
const INT: TableSpec = [int, byte];
// Type tables, by the union tag of Schema.fbs's `Type` (0 = NONE). Types without fields are empty tables.
const EMPTY: TableSpec = [];
const TYPE_TABLES: readonly (TableSpec | undefined)[] = [
  undefined, // NONE
  EMPTY, // Null
  INT, // Int
  [short], // FloatingPoint
  EMPTY, // Binary
  EMPTY, // Utf8
  EMPTY, // Bool
  [int, int, int], // Decimal
  [short], // Date
  [short, int], // Time
  [short, str], // Timestamp
  [short], // Interval
  EMPTY, // List
  EMPTY, // Struct_
  [short, { kind: 'scalars', size: 4 }], // Union
  [int], // FixedSizeBinary
  [int], // FixedSizeList
  [byte], // Map
  [short], // Duration
  EMPTY, // LargeBinary
  EMPTY, // LargeUtf8
  EMPTY, // LargeList
  EMPTY, // RunEndEncoded
  EMPTY, // BinaryView
  EMPTY, // Utf8View
  EMPTY, // ListView
  EMPTY, // LargeListView
];
const DICTIONARY_ENCODING: TableSpec = [long, { kind: 'table', table: INT }, byte, short];
const FIELD: TableSpec = [
  str, // name
  byte, // nullable
  byte, // type_type
  { kind: 'union', tagSlot: 2, tables: TYPE_TABLES },
  { kind: 'table', table: DICTIONARY_ENCODING },
  { kind: 'tables', table: () => FIELD }, // children
  metadata,
];
const SCHEMA: TableSpec = [short, { kind: 'tables', table: () => FIELD }, metadata, { kind: 'scalars', size: 8 }];
const BLOCK_SIZE = 24; // struct Block { offset: long; metaDataLength: int; (pad); bodyLength: long }
const FOOTER: TableSpec = [
  short,
  { kind: 'table', table: SCHEMA },
  { kind: 'structs', size: BLOCK_SIZE },
  { kind: 'structs', size: BLOCK_SIZE },
  metadata,
];
const RECORD_BATCH: TableSpec = [
  long, // length
  { kind: 'structs', size: 16 }, // nodes: FieldNode { length: long; null_count: long }
  { kind: 'structs', size: 16 }, // buffers: Buffer { offset: long; length: long }
  { kind: 'table', table: [byte, short] }, // compression
  { kind: 'scalars', size: 8 }, // variadicBufferCounts
];
const DICTIONARY_BATCH: TableSpec = [long, { kind: 'table', table: RECORD_BATCH }, byte];
const MESSAGE_HEADERS = [undefined, SCHEMA, DICTIONARY_BATCH, RECORD_BATCH]; // Tensor / SparseTensor are not files' business
const MESSAGE: TableSpec = [short, byte, { kind: 'union', tagSlot: 1, tables: MESSAGE_HEADERS }, long, metadata];

const MAX_DEPTH = 64;
const MAX_TABLES = 1_000_000;

class Broken extends Error {}

/** A bounds-checked flatbuffer reader over one buffer (the footer, or one message header). */
class Verifier {
  private readonly view: DataView;
  private tables = 0;
  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  private need(at: number, size: number, align: number, what: string): void {
    if (!Number.isInteger(at) || at < 0 || at + size > this.buf.length) throw new Broken(`${what} points outside the flatbuffer`);
    if (at % align !== 0) throw new Broken(`${what} is misaligned`);
  }

  u8 = (at: number) => this.buf[at];
  u16 = (at: number) => this.view.getUint16(at, true);
  i16 = (at: number) => this.view.getInt16(at, true);
  i32 = (at: number) => this.view.getInt32(at, true);
  u32 = (at: number) => this.view.getUint32(at, true);
  i64 = (at: number) => Number(this.view.getBigInt64(at, true));

  /** The root table's position, verified with its spec. */
  root(spec: TableSpec, what: string): number {
    this.need(0, 4, 4, `${what} root offset`);
    const t = this.u32(0);
    this.table(t, spec, what, 0);
    return t;
  }

  /** Position of field `slot` of the table at `t`, or -1 when absent (the table was verified first). */
  field(t: number, slot: number): number {
    const vt = t - this.i32(t);
    const vtSize = this.u16(vt);
    if (4 + 2 * slot >= vtSize) return -1;
    const off = this.u16(vt + 4 + 2 * slot);
    return off === 0 ? -1 : t + off;
  }

  /** Target of the uoffset stored at `at`. */
  deref(at: number): number {
    return at + this.u32(at);
  }

  private table(t: number, spec: TableSpec, what: string, depth: number): void {
    if (depth > MAX_DEPTH) throw new Broken(`${what} nests deeper than ${MAX_DEPTH} tables`);
    if (++this.tables > MAX_TABLES) throw new Broken(`more than ${MAX_TABLES} tables`);
    this.need(t, 4, 4, what);
    const vt = t - this.i32(t);
    this.need(vt, 4, 2, `${what} vtable`);
    const vtSize = this.u16(vt);
    const tableSize = this.u16(vt + 2);
    if (vtSize < 4 || vtSize % 2 !== 0) throw new Broken(`${what} has a vtable of ${vtSize} bytes`);
    this.need(vt, vtSize, 2, `${what} vtable`);
    this.need(t, tableSize, 1, what);
    for (let slot = 0; slot < spec.length; slot++) {
      if (4 + 2 * slot >= vtSize) break;
      const off = this.u16(vt + 4 + 2 * slot);
      if (off === 0) continue;
      const f = spec[slot];
      const size = f.kind === 'scalar' ? f.size : 4;
      if (off + size > tableSize) throw new Broken(`${what} field ${slot} lies outside its table`);
      this.need(t + off, size, size, `${what} field ${slot}`);
      if (f.kind !== 'scalar') this.value(t, t + off, f, `${what}.${slot}`, depth);
    }
  }

  private value(t: number, at: number, f: FieldSpec, what: string, depth: number): void {
    switch (f.kind) {
      case 'scalar':
        return;
      case 'string': {
        const len = this.vector(this.deref(at), 1, what);
        const end = this.deref(at) + 4 + len;
        this.need(end, 1, 1, `${what} terminator`);
        if (this.buf[end] !== 0) throw new Broken(`${what} string is not terminated`);
        return;
      }
      case 'table':
        this.table(this.deref(at), f.table, what, depth + 1);
        return;
      case 'structs':
        this.vector(this.deref(at), f.size, what);
        return;
      case 'scalars':
        this.vector(this.deref(at), f.size, what);
        return;
      case 'tables': {
        const v = this.deref(at);
        const len = this.vector(v, 4, what);
        const spec = f.table();
        for (let i = 0; i < len; i++) this.table(this.deref(v + 4 + 4 * i), spec, `${what}[${i}]`, depth + 1);
        return;
      }
      case 'union': {
        const tagAt = this.field(t, f.tagSlot);
        const tag = tagAt < 0 ? 0 : this.u8(tagAt);
        const spec = f.tables[tag];
        if (spec === undefined) throw new Broken(`${what} has union type ${tag}, which is not known`);
        this.table(this.deref(at), spec, what, depth + 1);
        return;
      }
    }
  }

  /** A vector's length, after checking its elements lie inside the buffer. */
  private vector(v: number, elem: number, what: string): number {
    this.need(v, 4, 4, `${what} vector`);
    const len = this.u32(v);
    if (len * elem > this.buf.length) throw new Broken(`${what} claims ${len} elements`);
    this.need(v + 4, len * elem, 1, `${what} elements`);
    return len;
  }
}

export interface ArrowFileLayout {
  /** Record-batch blocks as the footer lists them. */
  recordBatches: { offset: number; metaDataLength: number; bodyLength: number }[];
  /** Byte offset where the footer flatbuffer starts. */
  footerStart: number;
}

/**
 * Verifies the footer and the message headers of an Arrow IPC file, given a way to read byte ranges of it (a buffer
 * in memory, or pread on a file). Throws a DataError naming `file` for anything apache-arrow should not be shown.
 */
export function verifyArrowFileStructure(size: number, read: (offset: number, length: number) => Uint8Array, file: string): ArrowFileLayout {
  try {
    return verifyStructure(size, read);
  } catch (e) {
    if (e instanceof Broken) throw new DataError(file, `damaged Arrow IPC file: ${e.message}; re-create it (e.g. re-run the command that wrote it)`);
    throw e;
  }
}

/** verifyArrowFileStructure on bytes in memory. */
export function verifyArrowBytesStructure(bytes: Uint8Array, file: string): ArrowFileLayout {
  return verifyArrowFileStructure(bytes.length, (o, n) => bytes.subarray(o, o + n), file);
}

function verifyStructure(size: number, read: (offset: number, length: number) => Uint8Array): ArrowFileLayout {
  // Layout: "ARROW1" + 2 pad, messages, footer flatbuffer, int32 footer length, "ARROW1".
  const tail = read(size - 10, 4);
  const footerLength = new DataView(tail.buffer, tail.byteOffset, 4).getInt32(0, true);
  const footerStart = size - 10 - footerLength;
  if (footerLength <= 0 || footerStart < 8) throw new Broken(`its footer length (${footerLength} bytes) does not fit a file of ${size} bytes`);
  const footer = new Verifier(read(footerStart, footerLength));
  const root = footer.root(FOOTER, 'footer');
  const version = footer.field(root, 0);
  if (version >= 0 && (footer.i16(version) < 0 || footer.i16(version) > 4))
    throw new Broken(`its footer names metadata version ${footer.i16(version)}`);
  const schemaAt = footer.field(root, 1);
  if (schemaAt < 0) throw new Broken('its footer has no schema');
  checkSchema(footer, footer.deref(schemaAt));
  const blocks = (slot: number) => {
    const at = footer.field(root, slot);
    if (at < 0) return [];
    const v = footer.deref(at);
    return Array.from({ length: footer.u32(v) }, (_, i) => {
      const b = v + 4 + BLOCK_SIZE * i;
      return { offset: footer.i64(b), metaDataLength: footer.i32(b + 8), bodyLength: footer.i64(b + 16) };
    });
  };
  // (apache-arrow writes files without the stream's leading schema message, and reads only what the footer lists.)
  const recordBatches = blocks(3);
  for (const [list, what, type] of [
    [blocks(2), 'dictionary batch', 2],
    [recordBatches, 'record batch', 3],
  ] as const) {
    list.forEach((b, i) => {
      const name = `${what} ${i}`;
      if (!(b.offset >= 8 && b.offset % 8 === 0 && b.metaDataLength > 0 && b.bodyLength >= 0))
        throw new Broken(`the footer's ${name} block (offset ${b.offset}, header ${b.metaDataLength}, body ${b.bodyLength} bytes) is invalid`);
      if (b.offset + b.metaDataLength + b.bodyLength > footerStart) throw new Broken(`the footer's ${name} block lies outside the data`);
      const m = verifyMessageAt(read, b.offset, b.offset + b.metaDataLength, name, type);
      if (m.bodyLength !== b.bodyLength) throw new Broken(`${name}: its body is ${m.bodyLength} bytes, the footer says ${b.bodyLength}`);
    });
  }
  return { recordBatches, footerStart };
}

/** Field types the footer's schema may hold: union tags known, Int widths 8..64, float precision half..double. */
function checkSchema(fb: Verifier, schema: number): void {
  const fieldsAt = fb.field(schema, 1);
  if (fieldsAt < 0) return;
  const visit = (vec: number, depth: number) => {
    for (let i = 0; i < fb.u32(vec); i++) {
      const f = fb.deref(vec + 4 + 4 * i);
      const tagAt = fb.field(f, 2);
      const tag = tagAt < 0 ? 0 : fb.u8(tagAt);
      const typeAt = fb.field(f, 3);
      if (tag === 0 || typeAt < 0) throw new Broken('a field of its schema has no type');
      const t = fb.deref(typeAt);
      if (tag === 2) {
        const w = fb.field(t, 0);
        const bits = w < 0 ? 0 : fb.i32(w);
        if (![8, 16, 32, 64].includes(bits)) throw new Broken(`a field of its schema is an Int of ${bits} bits`);
      } else if (tag === 3) {
        const p = fb.field(t, 0);
        if (p >= 0 && (fb.i16(p) < 0 || fb.i16(p) > 2)) throw new Broken(`a field of its schema is a float of precision ${fb.i16(p)}`);
      }
      const children = fb.field(f, 5);
      if (children >= 0) visit(fb.deref(children), depth + 1);
    }
  };
  visit(fb.deref(fieldsAt), 0);
}

/**
 * The message at `offset` (continuation marker, int32 length, Message flatbuffer), verified; it must end by `limit`
 * and be of header type `type`; a record batch's buffers must lie inside its body.
 */
function verifyMessageAt(
  read: (offset: number, length: number) => Uint8Array,
  offset: number,
  limit: number,
  what: string,
  type: number,
): { bodyLength: number } {
  if (offset + 8 > limit) throw new Broken(`${what} lies outside the data`);
  const head = read(offset, 8);
  const hv = new DataView(head.buffer, head.byteOffset, 8);
  let start = offset + 8;
  let len = hv.getInt32(4, true);
  if (hv.getInt32(0, true) !== -1) {
    len = hv.getInt32(0, true); // pre-1.0 framing: no continuation marker
    start = offset + 4;
  }
  if (len <= 0 || start + len > limit) throw new Broken(`${what} has a header of ${len} bytes that does not fit`);
  const fb = new Verifier(read(start, len));
  const root = fb.root(MESSAGE, what);
  const tagAt = fb.field(root, 1);
  const tag = tagAt < 0 ? 0 : fb.u8(tagAt);
  if (tag !== type) throw new Broken(`${what} is a message of type ${tag}, expected ${type}`);
  const bodyAt = fb.field(root, 3);
  const bodyLength = bodyAt < 0 ? 0 : fb.i64(bodyAt);
  if (!(bodyLength >= 0)) throw new Broken(`${what} has a body of ${bodyLength} bytes`);
  const headerAt = fb.field(root, 2);
  if (headerAt < 0) throw new Broken(`${what} has no header`);
  let batch = fb.deref(headerAt);
  if (type === 1) checkSchema(fb, batch);
  if (type === 2) {
    const data = fb.field(batch, 1);
    if (data < 0) throw new Broken(`${what} has no data`);
    batch = fb.deref(data);
  }
  if (type !== 1) {
    const lengthAt = fb.field(batch, 0);
    const rows = lengthAt < 0 ? 0 : fb.i64(lengthAt);
    if (!(rows >= 0 && rows <= 2 ** 31)) throw new Broken(`${what} claims ${rows} rows`);
    const nodesAt = fb.field(batch, 1);
    if (nodesAt >= 0) {
      const v = fb.deref(nodesAt);
      for (let i = 0; i < fb.u32(v); i++) {
        const nl = fb.i64(v + 4 + 16 * i);
        const nulls = fb.i64(v + 12 + 16 * i);
        if (!(nl >= 0 && nl <= 2 ** 31 && nulls >= 0 && nulls <= nl)) throw new Broken(`${what}: field node ${i} claims ${nl} values, ${nulls} null`);
      }
    }
    const buffersAt = fb.field(batch, 2);
    if (buffersAt >= 0) {
      const v = fb.deref(buffersAt);
      for (let i = 0; i < fb.u32(v); i++) {
        const o = fb.i64(v + 4 + 16 * i);
        const l = fb.i64(v + 12 + 16 * i);
        if (!(o >= 0 && l >= 0 && o + l <= bodyLength)) throw new Broken(`${what}: buffer ${i} (offset ${o}, ${l} bytes) lies outside its body`);
      }
    }
  }
  return { bodyLength };
}
