import { StringDecoder } from 'node:string_decoder';
import { spawnProcess } from '../../pipeline/child-process.js';

/** One line of `pg_restore --list`: "3330; 0 16385 TABLE DATA public orders owner". */
export interface TocEntry {
  dumpId: number;
  /**
   * The object's catalog identity in the source database: the OID of its system catalog (pg_class, pg_proc...) and
   * its own OID. Entries that are not catalog objects (TABLE DATA, COMMENT, ACL) have catalog 0; TABLE DATA's oid
   * is its table's.
   */
  catalog: number;
  oid: number;
  /** The object type, e.g. TABLE, TABLE DATA, INDEX, FK CONSTRAINT. */
  type: string;
  /** Everything after the type: "schema name owner" (names may contain spaces, so it is kept whole). */
  rest: string;
}

export interface ArchiveToc {
  entries: TocEntry[];
  byType: Record<string, number>;
  /** Header facts such as "Dumped from database version". */
  header: Record<string, string>;
}

// Longest first, so "TABLE DATA" wins over "TABLE".
const TYPES = [
  'MATERIALIZED VIEW DATA',
  'MATERIALIZED VIEW',
  'TABLE DATA',
  'TABLE ATTACH',
  'SEQUENCE SET',
  'SEQUENCE OWNED BY',
  'FK CONSTRAINT',
  'CHECK CONSTRAINT',
  'DEFAULT ACL',
  'LARGE OBJECT',
  'BLOB METADATA',
  'BLOBS',
  'BLOB',
  'TEXT SEARCH CONFIGURATION',
  'TEXT SEARCH DICTIONARY',
  'TEXT SEARCH PARSER',
  'TEXT SEARCH TEMPLATE',
  'FOREIGN TABLE',
  'FOREIGN DATA WRAPPER',
  'FOREIGN SERVER',
  'USER MAPPING',
  'EVENT TRIGGER',
  'OPERATOR CLASS',
  'OPERATOR FAMILY',
  'ROW SECURITY',
  'INDEX ATTACH',
  'PUBLICATION TABLE',
  'PUBLICATION TABLES IN SCHEMA',
  'SERVER',
  'DEFAULT',
  'SCHEMA',
  'EXTENSION',
  'TABLE',
  'VIEW',
  'SEQUENCE',
  'INDEX',
  'CONSTRAINT',
  'TRIGGER',
  'FUNCTION',
  'PROCEDURE',
  'AGGREGATE',
  'TYPE',
  'DOMAIN',
  'COMMENT',
  'ACL',
  'POLICY',
  'RULE',
  'CAST',
  'COLLATION',
  'CONVERSION',
  'OPERATOR',
  'LANGUAGE',
  'PUBLICATION',
  'SUBSCRIPTION',
  'STATISTICS',
  'ENCODING',
  'STDSTRINGS',
  'SEARCHPATH',
  'DATABASE PROPERTIES',
  'DATABASE',
  'SHELL TYPE',
  'ACCESS METHOD',
  'TRANSFORM',
];

export function parseToc(listing: string): ArchiveToc {
  const toc = new TocParser();
  toc.add(listing);
  return toc.end();
}

/**
 * Parses `pg_restore --list` as it arrives, a chunk at a time: at 10,000 tables the listing has 40,000 lines, and
 * holding it whole while parsing it, with a few strings made per line and per type tried, grew Node's heap by tens of
 * megabytes (bench/README.md, many tables: memory). An entry keeps its `rest` as a slice of its chunk.
 */
export class TocParser {
  private readonly entries: TocEntry[] = [];
  private readonly header: Record<string, string> = {};
  private partial = '';

  add(text: string): void {
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; start = end + 1, end = text.indexOf('\n', start)) {
      if (this.partial) {
        this.line(this.partial + text.slice(start, end));
        this.partial = '';
      } else this.line(text.slice(start, end));
    }
    this.partial += text.slice(start);
  }

  end(): ArchiveToc {
    if (this.partial) this.line(this.partial);
    this.partial = '';
    const byType: Record<string, number> = {};
    for (const entry of this.entries) byType[entry.type] = (byType[entry.type] ?? 0) + 1;
    return { entries: this.entries, byType, header: this.header };
  }

  private line(line: string): void {
    if (line.startsWith(';')) {
      const fact = /^;\s+([^:]+):\s*(.*)$/.exec(line);
      if (fact) this.header[fact[1]!.trim()] = fact[2]!.trim();
      return;
    }
    const match = /^(\d+); (\d+) (\d+) /.exec(line);
    if (!match) return;
    const at = match[0].length;
    // The type is the longest one the body starts with, followed by a space or the end (no string made per try).
    const type =
      TYPES.find(
        (t) => line.startsWith(t, at) && (line.length === at + t.length || line.charCodeAt(at + t.length) === 32),
      ) ?? line.slice(at).split(' ')[0]!;
    this.entries.push({
      dumpId: Number(match[1]),
      catalog: Number(match[2]),
      oid: Number(match[3]),
      type,
      rest: line.slice(at + type.length).trim(),
    });
  }
}

/** Parses `pg_restore --list` output as it arrives. */
export async function readToc(listing: AsyncIterable<Buffer>): Promise<ArchiveToc> {
  const toc = new TocParser();
  const decoder = new StringDecoder('utf8');
  for await (const chunk of listing) toc.add(decoder.write(chunk));
  toc.add(decoder.end());
  return toc.end();
}

export interface ReaderOptions {
  signal?: AbortSignal;
  /** The read end of a pipe to read the archive from; without it the caller writes the archive to `stdin`. */
  input?: number;
}

/**
 * Reads an archive's table of contents with pg_restore --list. pg_restore stops reading once it has the TOC, so
 * whatever feeds it must tolerate its stdin closing early.
 */
export function startTocReader(pgRestore: string, options: ReaderOptions = {}) {
  const proc = spawnProcess(pgRestore, ['--list'], options);
  const listing = readToc(proc.output());
  listing.catch(() => undefined);
  return { stdin: proc.stdin, toc: listing };
}

/**
 * Reads a whole archive with pg_restore, writing the SQL script to /dev/null: pg_restore fails on a truncated
 * or corrupt archive ("could not read from input file: end of file"), which --list alone never sees because
 * the table of contents sits at the start. Resolves once pg_restore has read every block.
 */
export function startArchiveReader(pgRestore: string, options: ReaderOptions = {}) {
  const proc = spawnProcess(pgRestore, ['--file=/dev/null'], options);
  const done = (async () => {
    for await (const _ of proc.output()) {
      // pg_restore writes to /dev/null; stdout stays empty.
    }
  })();
  done.catch(() => undefined);
  return { stdin: proc.stdin, done };
}
