import type { Hash } from 'node:crypto';

/** Per row: the archive key's catalog and object OIDs, the schema's number, and the two lines' byte ranges. */
const STRIDE = 7;
const NEWLINE = Buffer.from('\n');
/** A character outside the BMP: there, UTF-8's byte order and JavaScript's string order differ. */
const ASTRAL = /[\uD800-\uDFFF]/;

/**
 * The rows of one part of the schema catalog, kept off V8's heap: their lines (JSON, as the fingerprint hashes them)
 * in one growing buffer, the rest in a Uint32Array. At 10,000 tables the catalog is 70,000 rows; as 70,000 strings
 * and objects on the heap, they were enough for V8 to double its young generation once more, about 30 MB of RSS
 * (bench/README.md, memory at many tables). Lines are sorted as JavaScript sorts strings, so the fingerprint is the
 * one `lines.sort().join('\n')` gives.
 */
export class CatalogRows {
  private text = Buffer.allocUnsafe(1 << 16);
  private bytes = 0;
  private fields = new Uint32Array(STRIDE * 256);
  private astral = false;
  length = 0;

  /** Adds a row: `uncommented` is its line as an archive without comments restores it (often `line` itself). */
  add(catalog: number, oid: number, schema: number, line: string, uncommented: string): void {
    if (this.fields.length < (this.length + 1) * STRIDE) {
      const more = new Uint32Array(this.fields.length * 2);
      more.set(this.fields);
      this.fields = more;
    }
    const at = this.length * STRIDE;
    const f = this.fields;
    f[at] = catalog;
    f[at + 1] = oid;
    f[at + 2] = schema;
    f[at + 3] = this.bytes;
    f[at + 4] = this.append(line);
    if (uncommented === line) {
      f[at + 5] = f[at + 3]!;
      f[at + 6] = f[at + 4]!;
    } else {
      f[at + 5] = this.bytes;
      f[at + 6] = this.append(uncommented);
    }
    if (!this.astral && ASTRAL.test(line)) this.astral = true;
    this.length++;
  }

  catalog(row: number): number {
    return this.fields[row * STRIDE]!;
  }

  oid(row: number): number {
    return this.fields[row * STRIDE + 1]!;
  }

  schema(row: number): number {
    return this.fields[row * STRIDE + 2]!;
  }

  /** Hashes the lines of `rows` (row numbers, sorted here), joined by newlines; `commented` false: without comments. */
  hashSorted(rows: number[], commented: boolean, hash: Hash): void {
    const { fields, text } = this;
    const from = commented ? 3 : 5;
    const start = (row: number) => fields[row * STRIDE + from]!;
    const end = (row: number) => fields[row * STRIDE + from + 1]!;
    if (this.astral) {
      const line = (row: number) => text.toString('utf8', start(row), end(row));
      rows.sort((a, b) => {
        const x = line(a);
        const y = line(b);
        return x < y ? -1 : x > y ? 1 : 0;
      });
    } else rows.sort((a, b) => text.compare(text, start(b), end(b), start(a), end(a)));
    rows.forEach((row, i) => {
      if (i > 0) hash.update(NEWLINE);
      hash.update(text.subarray(start(row), end(row)));
    });
  }

  /** Writes `line` as UTF-8 after the lines before it; returns where it ends. */
  private append(line: string): number {
    const needed = this.bytes + line.length * 3;
    if (needed > this.text.length) {
      const more = Buffer.allocUnsafe(Math.max(needed, this.text.length * 2));
      this.text.copy(more, 0, 0, this.bytes);
      this.text = more;
    }
    this.bytes += this.text.write(line, this.bytes, 'utf8');
    return this.bytes;
  }
}
