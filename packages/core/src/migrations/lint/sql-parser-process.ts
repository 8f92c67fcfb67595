/**
 * The SQL parser's own process (started by parse-files.ts with `--liftoff-only`): reads a JSON array of SQL texts on
 * stdin and writes their ParsedFile results, as one JSON array, on stdout.
 */
import { loadModule, parseSync, scanSync } from 'libpg-query';
import { parseFile } from './parse.js';

const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
const texts = JSON.parse(Buffer.concat(chunks).toString('utf8')) as string[];
await loadModule();
process.stdout.write(JSON.stringify(texts.map((sql) => parseFile({ parseSync, scanSync }, sql))));
