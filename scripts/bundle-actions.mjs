// Bundles every action into one shared build, actions/dist/index.js, with ncc: the file GitHub runs, through each
// action's one-line actions/<name>/main.mjs (written by scripts/generate.mjs). The entry is the compiled GitHub
// adapter (packages/github/lib, built by tsc -b), whose runNamedAction(name) runs any action.
// scripts/check-fresh.mjs bundles again and compares with what is committed.
import { readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import ncc from '@vercel/ncc';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const distDir = join(root, 'actions', 'dist');

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

/** The files of actions/dist/, by relative path: text, or a Buffer for the .wasm. */
export async function bundle() {
  const entry = join(root, 'packages', 'github', 'lib', 'index.js');
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

async function main() {
  const files = await bundle();
  await rm(distDir, { recursive: true, force: true });
  for (const [file, content] of files) {
    await mkdir(dirname(join(distDir, file)), { recursive: true });
    await writeFile(join(distDir, file), content);
  }
  console.log(`bundled actions/dist/index.js (${(files.get('index.js').length / 1024).toFixed(0)} KiB)`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
