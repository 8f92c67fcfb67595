// Bundles each action (actions/<name>/lib/main.js, compiled by tsc -b) into actions/<name>/dist/index.js with
// ncc, the single file GitHub runs. Run after `tsc -b`; scripts/check-dist.mjs compares the result with git.
import { readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import ncc from '@vercel/ncc';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const actionsDir = join(root, 'actions');

for (const name of (await readdir(actionsDir)).sort()) {
  const entry = join(actionsDir, name, 'lib', 'main.js');
  if (!existsSync(entry)) continue;
  const { code, assets } = await ncc(entry, { minify: false, sourceMap: false, quiet: true, target: 'es2022', license: 'licenses.txt' });
  const dist = join(actionsDir, name, 'dist');
  await rm(dist, { recursive: true, force: true });
  await mkdir(dist, { recursive: true });
  await writeFile(join(dist, 'index.js'), code);
  for (const [file, asset] of Object.entries(assets ?? {})) {
    await mkdir(dirname(join(dist, file)), { recursive: true });
    await writeFile(join(dist, file), asset.source);
  }
  console.log(`bundled actions/${name}/dist/index.js (${(code.length / 1024).toFixed(0)} KiB)`);
}
