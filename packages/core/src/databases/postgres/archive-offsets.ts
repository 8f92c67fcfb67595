/**
 * Writes each table's data offset into the table of contents of a custom-format archive that pg_dump wrote to a pipe.
 *
 * pg_dump records where each entry's data starts only when its output is a seekable file (it rewrites the TOC at
 * the end). A backup streams pg_dump's output, so every entry of its archive says "position not set", and
 * `pg_restore -j` then finds each table's data by reading the archive from its start in every worker, skipping
 * block by block (bench/README.md, restore: pg_restore 8.3 s of CPU against 1.2 s for the same archive written to a
 * file). restore and restore-test have the archive as a local file before pg_restore runs: this reads it once
 * (header, TOC, then the data blocks' headers and chunk lengths) and writes each data entry's offset into its TOC
 * field, the same bytes pg_dump writes when it can seek (flag K_OFFSET_POS_SET and the offset, same length). An
 * offset that were wrong would make pg_restore stop ("found unexpected block ID"), never restore other data; an
 * archive this cannot walk from its first data block to its end exactly is left as it is.
 *
 * Written by hand: no library reads pg_dump's archive format. The layout is PostgreSQL's pg_backup_archiver.c
 * (ReadHead, ReadToc, ReadInt, ReadStr, ReadOffset) and pg_backup_custom.c (_ReadExtraToc, _readBlockHeader,
 * _skipData, _skipLOs), archive versions 1.12 (PostgreSQL 9.x) to 1.16 (PostgreSQL 17 and 18: a relkind in each TOC
 * entry, and large objects in several BLOBS entries of up to 1000 each). Tested on 1.14 (test/integration/
 * archive-offsets.test.ts) and 1.16 (postgres-archive-1.16.test.ts).
 */
import { type FileHandle, open, stat } from 'node:fs/promises';

const MAGIC = 'PGDMP';
const FORMAT_CUSTOM = 1;
const BLK_DATA = 1;
const BLK_BLOBS = 3;
const OFFSET_NOT_SET = 1;
const OFFSET_SET = 2;
/** MAKE_ARCHIVE_VERSION(1, minor, 0). */
const version = (minor: number) => (1 * 256 + minor) * 256;

export type OffsetsOutcome =
  | { kind: 'written'; entries: number }
  /** The archive already has them (pg_dump wrote it to a file), or has no data. */
  | { kind: 'present' }
  /** Not a custom-format archive this can walk; the file is unchanged. */
  | { kind: 'left'; reason: string };

export async function writeDataOffsets(path: string): Promise<OffsetsOutcome> {
  // A parallel backup is restored from a directory: its files are per table, and pg_restore opens each by name.
  if (!(await stat(path)).isFile()) return { kind: 'left', reason: 'a directory-format archive has no offsets' };
  const file = await open(path, 'r+');
  try {
    const reader = new ArchiveReader(file, (await file.stat()).size);
    let fields: Map<number, TocOffsetField>;
    let blocks: Map<number, number>;
    try {
      fields = await readTocOffsetFields(reader);
      if (![...fields.values()].some((f) => f.flag === OFFSET_NOT_SET)) return { kind: 'present' };
      blocks = await readBlockPositions(reader, fields);
    } catch (error) {
      if (error instanceof ArchiveShapeError) return { kind: 'left', reason: error.message };
      throw error;
    }
    let entries = 0;
    for (const [dumpId, field] of fields) {
      const position = blocks.get(dumpId);
      if (field.flag !== OFFSET_NOT_SET || position === undefined) continue;
      const bytes = Buffer.alloc(1 + reader.offSize);
      bytes[0] = OFFSET_SET;
      // Little-endian, as WriteOffset writes it; archives are far below 2^53 bytes.
      for (let i = 0, rest = position; i < reader.offSize; i++, rest = Math.floor(rest / 256))
        bytes[1 + i] = rest % 256;
      await file.write(bytes, 0, bytes.length, field.at);
      entries++;
    }
    return { kind: 'written', entries };
  } finally {
    await file.close();
  }
}

class ArchiveShapeError extends Error {}

interface TocOffsetField {
  /** Where the entry's offset field (flag byte, then offSize bytes) is in the file. */
  at: number;
  flag: number;
}

/** The header and TOC: each entry's offset field, by dump id. Leaves the reader at the first data block. */
async function readTocOffsetFields(r: ArchiveReader): Promise<Map<number, TocOffsetField>> {
  if ((await r.bytes(5)).toString('latin1') !== MAGIC) throw new ArchiveShapeError('not a pg_dump archive');
  const [major, minor] = [await r.byte(), await r.byte()];
  const revision = await r.byte();
  const v = (major * 256 + minor) * 256 + revision;
  if (major !== 1 || v < version(12) || v >= version(17))
    throw new ArchiveShapeError(`archive version ${major}.${minor} is not one this reads (1.12 to 1.16)`);
  r.intSize = await r.byte();
  r.offSize = await r.byte();
  if (r.intSize < 1 || r.intSize > 8 || r.offSize < 1 || r.offSize > 8)
    throw new ArchiveShapeError(`integer size ${r.intSize} or offset size ${r.offSize} is not a pg_dump archive's`);
  if ((await r.byte()) !== FORMAT_CUSTOM) throw new ArchiveShapeError('not a custom-format archive');
  if (v >= version(15))
    await r.byte(); // compression algorithm
  else await r.int(); // compression level
  for (let i = 0; i < 7; i++) await r.int(); // creation time
  await r.str(); // database name
  await r.str(); // server version
  await r.str(); // pg_dump version

  const fields = new Map<number, TocOffsetField>();
  const count = await r.int();
  for (let i = 0; i < count; i++) {
    const dumpId = await r.int();
    await r.int(); // had a data dumper
    for (let s = 0; s < 4; s++) await r.str(); // tableoid, oid, tag, desc
    await r.int(); // section
    for (let s = 0; s < 5; s++) await r.str(); // defn, dropStmt, copyStmt, namespace, tablespace
    if (v >= version(14)) await r.str(); // table access method
    if (v >= version(16)) await r.int(); // relkind
    await r.str(); // owner
    await r.str(); // "false": with OIDs
    while ((await r.str()) !== null); // dependencies, ended by a null string
    const at = r.position;
    const flag = await r.byte();
    await r.bytes(r.offSize);
    fields.set(dumpId, { at, flag });
  }
  return fields;
}

/** Walks the data section to its end: where each block starts, by dump id. Throws on anything unexpected. */
async function readBlockPositions(r: ArchiveReader, fields: Map<number, TocOffsetField>): Promise<Map<number, number>> {
  const blocks = new Map<number, number>();
  while (r.position < r.size) {
    const start = r.position;
    const type = await r.byte();
    const dumpId = await r.int();
    if (!fields.has(dumpId) || blocks.has(dumpId))
      throw new ArchiveShapeError(`a data block at byte ${start} names entry ${dumpId}, which the TOC does not expect`);
    if (type === BLK_DATA) await skipChunks(r);
    else if (type === BLK_BLOBS) for (let oid = await r.int(); oid !== 0; oid = await r.int()) await skipChunks(r);
    else throw new ArchiveShapeError(`unknown data block type ${type} at byte ${start}`);
    blocks.set(dumpId, start);
  }
  if (r.position !== r.size)
    throw new ArchiveShapeError(`the last data block runs past the archive's end (${r.size} bytes)`);
  return blocks;
}

/** One entry's data: length-prefixed chunks ended by a zero length. */
async function skipChunks(r: ArchiveReader): Promise<void> {
  // A table's data is one chunk per row: the lengths are read from the buffer without a promise each where they can be.
  for (let length = r.bufferedInt() ?? (await r.int()); length !== 0; length = r.bufferedInt() ?? (await r.int())) {
    if (length < 0) throw new ArchiveShapeError(`a negative chunk length at byte ${r.position}`);
    r.skip(length);
  }
}

/**
 * Reads the file forwards through one 1 MiB buffer (a data section of millions of small chunks is walked in memory,
 * not a read per chunk), and fails with ArchiveShapeError at its end.
 */
class ArchiveReader {
  intSize = 4;
  offSize = 8;
  /** The absolute position of the next byte. */
  position = 0;
  private buffer = Buffer.alloc(1 << 20);
  /** The file position of buffer[0], and how many bytes of it are valid. */
  private base = 0;
  private filled = 0;

  constructor(
    private readonly file: FileHandle,
    readonly size: number,
  ) {}

  async byte(): Promise<number> {
    await this.ensure(1);
    return this.buffer[this.position++ - this.base]!;
  }

  async bytes(n: number): Promise<Buffer> {
    if (n > this.buffer.length) throw new ArchiveShapeError(`a field of ${n} bytes at byte ${this.position}`);
    await this.ensure(n);
    const at = this.position - this.base;
    this.position += n;
    return this.buffer.subarray(at, at + n);
  }

  /** ReadInt: a sign byte, then intSize bytes, little-endian. */
  async int(): Promise<number> {
    const sign = await this.byte();
    const bytes = await this.bytes(this.intSize);
    let value = 0;
    for (let i = bytes.length - 1; i >= 0; i--) value = value * 256 + bytes[i]!;
    return sign ? -value : value;
  }

  /** int() when its bytes are in the buffer, else undefined. */
  bufferedInt(): number | undefined {
    const at = this.position - this.base;
    if (at < 0 || at + 1 + this.intSize > this.filled) return undefined;
    let value = 0;
    for (let i = this.intSize; i >= 1; i--) value = value * 256 + this.buffer[at + i]!;
    this.position += 1 + this.intSize;
    return this.buffer[at] ? -value : value;
  }

  /** ReadStr: a length (negative: null), then its bytes; skipped, only null-ness kept. */
  async str(): Promise<'' | null> {
    const length = await this.int();
    if (length < 0) return null;
    this.skip(length);
    return '';
  }

  skip(n: number): void {
    this.position += n;
  }

  private async ensure(n: number): Promise<void> {
    if (this.position + n > this.size)
      throw new ArchiveShapeError(`the archive ends at byte ${this.size}, in the middle of a field`);
    if (this.position >= this.base && this.position + n <= this.base + this.filled) return;
    this.base = this.position;
    this.filled = 0;
    const want = Math.min(this.buffer.length, this.size - this.base);
    while (this.filled < want) {
      const { bytesRead } = await this.file.read(this.buffer, this.filled, want - this.filled, this.base + this.filled);
      if (bytesRead === 0) throw new ArchiveShapeError(`the archive ends at byte ${this.base + this.filled}`);
      this.filled += bytesRead;
    }
  }
}
