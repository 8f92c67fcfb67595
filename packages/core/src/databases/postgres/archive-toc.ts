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
  const entries: TocEntry[] = [];
  const header: Record<string, string> = {};
  for (const line of listing.split('\n')) {
    if (line.startsWith(';')) {
      const fact = /^;\s+([^:]+):\s*(.*)$/.exec(line);
      if (fact) header[fact[1]!.trim()] = fact[2]!.trim();
      continue;
    }
    const match = /^(\d+); (\d+) (\d+) (.*)$/.exec(line);
    if (!match) continue;
    const body = match[4]!;
    const type = TYPES.find((t) => body === t || body.startsWith(`${t} `)) ?? body.split(' ')[0]!;
    entries.push({
      dumpId: Number(match[1]),
      catalog: Number(match[2]),
      oid: Number(match[3]),
      type,
      rest: body.slice(type.length).trim(),
    });
  }
  const byType: Record<string, number> = {};
  for (const entry of entries) byType[entry.type] = (byType[entry.type] ?? 0) + 1;
  return { entries, byType, header };
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
  const listing = (async () => {
    let text = '';
    for await (const chunk of proc.output()) text += chunk.toString('utf8');
    return parseToc(text);
  })();
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
