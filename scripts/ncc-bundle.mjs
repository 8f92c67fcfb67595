// One ncc build of a compiled entry into a single ES module file, as both the actions' bundle (actions/dist, by
// scripts/bundle-actions.mjs) and the CLI's npm package (scripts/pack-cli.mjs) ship it: index.js with the
// libpg-query.wasm it needs beside it, plus whatever assets ncc emits and licenses.txt.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ncc from '@vercel/ncc';

// libpg-query (PostgreSQL's parser, for the migrations lint and retention filters) is an Emscripten build: it reads
// libpg-query.wasm from __dirname, which ncc neither copies nor defines in an ES module. The bundle gets the file
// beside it, and a __dirname that names its folder.
const require = createRequire(import.meta.url);
const PG_QUERY_WASM = join(dirname(require.resolve('libpg-query')), 'libpg-query.wasm');
const PARSER_PROCESS = 'sql-parser-process.js';
const PARSER_PROCESS_ENTRY = fileURLToPath(
  new URL(`../packages/core/lib/migrations/lint/${PARSER_PROCESS}`, import.meta.url),
);
const DIRNAME_SHIM =
  "import { dirname as __dbopsDirname } from 'node:path';\n" +
  "import { fileURLToPath as __dbopsFileUrlToPath } from 'node:url';\n" +
  '// libpg-query finds libpg-query.wasm in __dirname (scripts/ncc-bundle.mjs).\n' +
  'const __dirname = __dbopsDirname(__dbopsFileUrlToPath(import.meta.url));\n';

/**
 * The files of one bundle of `entry` (an absolute path to compiled JavaScript), by path relative to the bundle's
 * folder: text, or a Buffer for the .wasm. index.js is the bundle itself.
 */
export async function nccBundle(entry) {
  const { code, assets } = await build(entry);
  const files = renumberChunks(DIRNAME_SHIM + code, assets ?? {});
  files.set('libpg-query.wasm', await readFile(PG_QUERY_WASM));
  // The parser process is one file: libpg-query and the parse routine, no chunks (its licenses and package.json are
  // index.js's too).
  const parser = await build(PARSER_PROCESS_ENTRY);
  const chunks = Object.keys(parser.assets ?? {}).filter((file) => file.endsWith('.js'));
  if (chunks.length > 0) throw new Error(`${PARSER_PROCESS} must bundle into one file; ncc also emitted ${chunks}`);
  files.set(PARSER_PROCESS, DIRNAME_SHIM + parser.code);
  return files;
}

function build(entry) {
  // No cache: a cache shared between checkouts or dependency versions could make a bundle differ from its sources.
  return ncc(entry, {
    minify: false,
    sourceMap: false,
    quiet: true,
    target: 'es2022',
    license: 'licenses.txt',
    cache: false,
  });
}

const CHUNK_FILE = /^(\d+)\.index\.js$/;
// index.js calls webpack's require __nccwpck_require__; the chunks keep the name __webpack_require__.
const CHUNK_LOAD = /(__nccwpck_require__|__webpack_require__)\.e\((\/\* import\(\) \*\/ )?(\d+)\)/g;

/**
 * webpack numbers the lazily loaded chunks by a hash that is not stable between builds of the same sources (one
 * chunk came out as 245.index.js in one build and 328.index.js in the next), which made the freshness check fail at
 * random. Each chunk is renumbered after the modules it holds, whose ids are stable (a module can be in several
 * chunks: webpack copies small shared modules into each chunk that needs them), in its file name, in its own
 * `id`/`ids` exports and in every `require.e(...)` that loads it, in index.js and in other chunks.
 */
function renumberChunks(code, assets) {
  const ids = new Map();
  for (const file of Object.keys(assets)) {
    const chunk = CHUNK_FILE.exec(file);
    if (!chunk) continue;
    const modules = [...assets[file].source.toString().matchAll(/\n\/\*\*\*\/ (\d+):/g)].map((m) => m[1]);
    if (modules.length === 0) continue;
    // 40 bits of a hash: a safe integer, and as unlikely to repeat among a few dozen chunks as can be.
    const hash = createHash('sha256').update(modules.join(',')).digest('hex').slice(0, 10);
    ids.set(chunk[1], String(Number.parseInt(hash, 16)));
  }
  if (new Set(ids.values()).size !== ids.size) throw new Error('two bundle chunks hold the same modules');
  const renumberLoads = (text) =>
    text.replace(CHUNK_LOAD, (all, require, note, id) =>
      ids.has(id) ? `${require}.e(${note ?? ''}${ids.get(id)})` : all,
    );
  const files = new Map([['index.js', renumberLoads(code)]]);
  for (const [file, asset] of Object.entries(assets)) {
    const chunk = CHUNK_FILE.exec(file);
    const id = chunk && ids.get(chunk[1]);
    let text = asset.source.toString();
    if (id)
      text = renumberLoads(
        text.replace(
          /^export const id = \d+;\nexport const ids = \[\d+\];/,
          `export const id = ${id};\nexport const ids = [${id}];`,
        ),
      );
    // A chunk is a module of its own: libpg-query's, and any other that reads __dirname, needs the shim too.
    if (file.endsWith('.js') && /\b__dirname\b/.test(text)) text = DIRNAME_SHIM + text;
    files.set(id ? `${id}.index.js` : file, text);
  }
  return files;
}
