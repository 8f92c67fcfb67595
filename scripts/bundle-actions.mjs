// Bundles each action (actions/<name>/lib/main.js, compiled by tsc -b) into actions/<name>/dist/index.js with
// ncc: the single file GitHub runs. test/unit/bundles.test.ts bundles again and compares with what is committed.
import { readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import ncc from '@vercel/ncc';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const actionsDir = join(root, 'actions');

/** Actions that have a compiled entry point. */
export async function bundledActions() {
  return (await readdir(actionsDir)).sort().filter((name) => existsSync(join(actionsDir, name, 'lib', 'main.js')));
}

/** The files of one action's dist/, by relative path. */
export async function bundleAction(name) {
  const entry = join(actionsDir, name, 'lib', 'main.js');
  // No cache: a cache shared between checkouts or dependency versions could make a bundle differ from its sources.
  const { code, assets } = await ncc(entry, { minify: false, sourceMap: false, quiet: true, target: 'es2022', license: 'licenses.txt', cache: false });
  const files = new Map([['index.js', code]]);
  for (const [file, asset] of Object.entries(assets ?? {})) files.set(file, asset.source.toString());
  return files;
}

async function main() {
  for (const name of await bundledActions()) {
    const files = await bundleAction(name);
    const dist = join(actionsDir, name, 'dist');
    await rm(dist, { recursive: true, force: true });
    for (const [file, content] of files) {
      await mkdir(dirname(join(dist, file)), { recursive: true });
      await writeFile(join(dist, file), content);
    }
    console.log(`bundled actions/${name}/dist/index.js (${(files.get('index.js').length / 1024).toFixed(0)} KiB)`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
