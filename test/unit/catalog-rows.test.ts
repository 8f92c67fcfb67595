// The schema catalog's rows kept off the heap (databases/postgres/catalog-rows.ts): hashed in the order and form that
// JavaScript's own sort and join give, which is what every earlier manifest's fingerprint was computed with. No server.
import { createHash } from 'node:crypto';
import { CatalogRows } from '../../packages/core/src/databases/postgres/catalog-rows.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function hashed(rows: CatalogRows, chosen: number[], commented: boolean): string {
  const hash = createHash('sha256');
  rows.hashSorted(chosen, commented, hash);
  return hash.digest('hex');
}

describe('catalog rows', () => {
  // Characters whose UTF-8 byte order differs from JavaScript's UTF-16 order: U+E000–U+FFFF sort after a surrogate
  // pair's first half in UTF-16 but before a four-byte sequence in UTF-8.
  const names = ['t_1', 't_10', 't_2', 'T', 'é', '\uE000', '\uFFFD', '😀', '𝔘', 'a😀', 'a\uFFFD', '', 'a'];

  it('hashes the lines sorted and joined as lines.sort().join("\\n") does, astral characters or not', () => {
    for (const list of [names, names.filter((n) => !/[\uD800-\uDFFF]/.test(n))]) {
      const rows = new CatalogRows();
      const lines = list.map((name, i) => JSON.stringify(['public', name, i % 2 === 0]));
      for (const [i, line] of lines.entries()) rows.add(1259, 16384 + i, 0, line, line);
      const all = lines.map((_, i) => i);
      expect(hashed(rows, [...all].reverse(), true)).toBe(sha256([...lines].sort().join('\n')));
      expect(hashed(rows, [3, 1], true)).toBe(sha256([lines[1], lines[3]].sort().join('\n')));
      expect(hashed(rows, [], true)).toBe(sha256(''));
    }
  });

  it('keeps each row’s keys and schema, and hashes the comment-less lines when asked', () => {
    const rows = new CatalogRows();
    const lines: string[] = [];
    const uncommented: string[] = [];
    names.forEach((name, i) => {
      lines.push(JSON.stringify(['s', name, `comment ${name}`]));
      uncommented.push(i % 3 === 0 ? lines[i]! : JSON.stringify(['s', name, '']));
      rows.add(2615 + i, 4_000_000_000 + i, i, lines[i]!, uncommented[i]!);
    });
    expect(rows.length).toBe(names.length);
    expect([rows.catalog(5), rows.oid(5), rows.schema(5)]).toEqual([2620, 4_000_000_005, 5]);
    const all = names.map((_, i) => i);
    expect(hashed(rows, [...all], true)).toBe(sha256([...lines].sort().join('\n')));
    expect(hashed(rows, [...all], false)).toBe(sha256([...uncommented].sort().join('\n')));
  });

  it('grows past its first buffers', () => {
    const rows = new CatalogRows();
    const lines = Array.from({ length: 5000 }, (_, i) =>
      JSON.stringify(['public', `t_${(i * 7919) % 5000}`, 'x'.repeat(i % 50)]),
    );
    for (const [i, line] of lines.entries()) rows.add(1259, i, 0, line, line);
    expect(
      hashed(
        rows,
        lines.map((_, i) => i),
        true,
      ),
    ).toBe(sha256([...lines].sort().join('\n')));
  });
});
