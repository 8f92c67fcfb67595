// One ncc build of a compiled entry into a single ES module file, as both the actions' bundle (actions/dist, by
// scripts/bundle-actions.mjs) and the CLI's npm package (scripts/pack-cli.mjs) ship it: index.js with the
// libpg-query.wasm it needs beside it, plus whatever assets ncc emits and licenses.txt.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ncc from '@vercel/ncc';

// libpg-query (PostgreSQL's parser, for the migrations lint and retention filters) is an Emscripten build: it reads
// libpg-query.wasm from __dirname, which ncc neither copies nor defines in an ES module. The bundle gets the file
// beside it, and a __dirname that names its folder.
const require = createRequire(import.meta.url);
const PG_QUERY_WASM = join(dirname(require.resolve('libpg-query')), 'libpg-query.wasm');
const DIRNAME_SHIM =
  "import { dirname as __dbopsDirname } from 'node:path';\n" +
  "import { fileURLToPath as __dbopsFileUrlToPath } from 'node:url';\n" +
  '// libpg-query finds libpg-query.wasm in __dirname (scripts/bundle-actions.mjs).\n' +
  'const __dirname = __dbopsDirname(__dbopsFileUrlToPath(import.meta.url));\n';

/**
 * The files of one bundle of `entry` (an absolute path to compiled JavaScript), by path relative to the bundle's
 * folder: text, or a Buffer for the .wasm. index.js is the bundle itself.
 */
export async function nccBundle(entry) {
  // No cache: a cache shared between checkouts or dependency versions could make a bundle differ from its sources.
  const { code, assets } = await ncc(entry, {
    minify: false,
    sourceMap: false,
    quiet: true,
    target: 'es2022',
    license: 'licenses.txt',
    cache: false,
  });
  const files = new Map([['index.js', DIRNAME_SHIM + code]]);
  for (const [file, asset] of Object.entries(assets ?? {})) files.set(file, asset.source.toString());
  files.set('libpg-query.wasm', await readFile(PG_QUERY_WASM));
  return files;
}
