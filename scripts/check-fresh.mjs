// Fails when a committed bundle (actions/*/dist) or generated file (action.yml, docs/reference) differs from
// what the sources produce. Run after `npm run build`, which regenerates both.
import { execFileSync } from 'node:child_process';

const paths = ['actions/*/dist', 'actions/*/action.yml', 'docs/reference', 'README.md'];
const status = execFileSync('git', ['status', '--porcelain', '--', ...paths], { encoding: 'utf8' }).trim();
if (status) {
  console.error(`Generated files or bundles are stale; run \`npm run build\` and commit:\n${status}`);
  process.exit(1);
}
console.log('dist bundles and generated files are fresh');
