// docs/mongodb.md lists every feature the MongoDB tests skip on FerretDB, so the list cannot fall behind.
import { readFile } from 'node:fs/promises';
import { FERRETDB_LACKS } from '../harness/mongo.js';

it('lists every feature FerretDB lacks in docs/mongodb.md', async () => {
  const rows = (await readFile('docs/mongodb.md', 'utf8')).split('\n').filter((line) => line.startsWith('| `'));
  expect(rows.map((row) => /^\| `([^`]+)`/.exec(row)![1]).sort()).toEqual(Object.keys(FERRETDB_LACKS).sort());
});
