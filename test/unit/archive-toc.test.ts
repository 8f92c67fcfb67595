// pg_restore --list parsing (databases/postgres/archive-toc.ts): the listing read a chunk at a time, cut anywhere
// (inside a line, inside a UTF-8 character), gives what the whole listing gives. No server.
import { parseToc, readToc } from '../../packages/core/src/databases/postgres/archive-toc.js';

const LISTING = [
  ';',
  '; Archive created at 2026-12-06 20:45:04 UTC',
  ';     dbname: many',
  ';     Dumped from database version: 15.20',
  ';',
  '215; 1259 16385 TABLE public t_0 postgres',
  '3346; 0 16385 TABLE DATA public t_0 postgres',
  '3190; 2606 16390 CONSTRAINT public t_0 t_0_pkey postgres',
  '3191; 1259 16392 INDEX public t_0_account_idx postgres',
  '6; 2615 2200 SCHEMA - public pg_database_owner',
  '216; 1259 16400 TABLE public "naïve tablé ☃" postgres',
  '3347; 0 16400 TABLE DATA public "naïve tablé ☃" postgres',
  '3400; 1259 16500 MATERIALIZED VIEW public mv postgres',
  '3401; 0 16500 MATERIALIZED VIEW DATA public mv postgres',
  '3402; 0 0 STDSTRINGS',
  '3403; 1255 16600 SOMETHING NEW public f postgres',
  '',
].join('\n');

async function* chunks(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

describe('the archive table of contents', () => {
  it('parses entries, types (longest first), oids and header facts', () => {
    const toc = parseToc(LISTING);
    expect(toc.entries).toHaveLength(11);
    expect(toc.entries[1]).toEqual({
      dumpId: 3346,
      catalog: 0,
      oid: 16385,
      type: 'TABLE DATA',
      rest: 'public t_0 postgres',
    });
    expect(toc.entries[4]).toMatchObject({ type: 'SCHEMA', rest: '- public pg_database_owner' });
    expect(toc.entries[8]).toMatchObject({ type: 'MATERIALIZED VIEW DATA', rest: 'public mv postgres' });
    expect(toc.entries[9]).toMatchObject({ type: 'STDSTRINGS', rest: '' });
    expect(toc.entries[10]).toMatchObject({ type: 'SOMETHING', rest: 'NEW public f postgres' });
    expect(toc.byType).toEqual({
      TABLE: 2,
      'TABLE DATA': 2,
      CONSTRAINT: 1,
      INDEX: 1,
      SCHEMA: 1,
      'MATERIALIZED VIEW': 1,
      'MATERIALIZED VIEW DATA': 1,
      STDSTRINGS: 1,
      SOMETHING: 1,
    });
    expect(toc.header['Dumped from database version']).toBe('15.20');
  });

  it('reads the same from a stream cut at every chunk size, with or without a final newline', async () => {
    const whole = parseToc(LISTING);
    for (const text of [LISTING, LISTING.trimEnd()]) {
      const bytes = Buffer.from(text);
      for (let size = 1; size <= 64; size++) expect(await readToc(chunks(bytes, size))).toEqual(whole);
    }
  });
});
