// Bundles every action into one shared build, actions/dist/index.js, with ncc: the file GitHub runs, through each
// action's one-line actions/<name>/main.mjs (written by scripts/generate.mjs). The entry is the compiled GitHub
// adapter (packages/github/lib, built by tsc -b), whose runNamedAction(name) runs any action.
// scripts/check-fresh.mjs bundles again and compares with what is committed.
import { rm, writeFile, mkdir } from 'node:fs/promises';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nccBundle } from './ncc-bundle.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const distDir = join(root, 'actions', 'dist');

/** The files of actions/dist/, by relative path: text, or a Buffer for the .wasm (scripts/ncc-bundle.mjs). */
export function bundle() {
  return nccBundle(join(root, 'packages', 'github', 'lib', 'index.js'));
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
