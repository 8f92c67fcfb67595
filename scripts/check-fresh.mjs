// Fails when the committed bundle (actions/dist) or a generated file (action.yml, main.mjs, docs/reference, the
// README's reference sections) differs from what the sources produce; writes nothing. Needs `tsc -b` first.
// `npm run build` regenerates both.
import { readFile, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { bundle, distDir } from './bundle-actions.mjs';
import { generatedFiles, root } from './generate.mjs';

const stale = [];
for (const [path, content] of await generatedFiles()) {
  if ((await readFile(join(root, path), 'utf8').catch(() => undefined)) !== content) stale.push(path);
}
const fresh = await bundle();
const committed = await readdir(distDir, { recursive: true }).catch(() => []);
for (const file of new Set([...committed, ...fresh.keys()])) {
  const current = await readFile(join(distDir, file)).catch(() => undefined);
  const expected = fresh.get(file);
  if (!current || expected === undefined || !current.equals(Buffer.from(expected)))
    stale.push(relative(root, join(distDir, file)));
}
if (stale.length > 0) {
  console.error(`Generated files or the bundle are stale; run \`npm run build\` and commit:\n  ${stale.join('\n  ')}`);
  process.exit(1);
}
console.log('the bundle and generated files are fresh');
