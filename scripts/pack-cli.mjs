// Packs the `dbops` command line as one self-contained npm package, dbops-<version>.tgz: the compiled CLI
// (packages/cli/lib, built by tsc -b) bundled by ncc with every dependency into dist/index.js, so that
// `npm install -g dbops-<version>.tgz` or `npx` installs nothing else. Needs `tsc -b` first.
// Usage: node scripts/pack-cli.mjs [--pack-destination <dir>]   (prints the tarball's path)
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { nccBundle } from './ncc-bundle.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cliDir = join(root, 'packages', 'cli');

// The executable npm links as `dbops`. Node's compile cache (in the OS temp folder) keeps V8's compiled code of
// the bundle between runs: without it every run compiles the whole bundle again.
const BIN = `#!/usr/bin/env node
// The \`dbops\` executable of the npm package (scripts/pack-cli.mjs); the CLI is ../dist/index.js.
import module from 'node:module';
module.enableCompileCache?.();
await import('../dist/index.js');
`;

/** The package's version: packages/cli/package.json's, which must be what \`dbops --version\` prints. */
async function packageVersion() {
  const { version } = JSON.parse(await readFile(join(cliDir, 'package.json'), 'utf8'));
  const { DBOPS_VERSION } = await import(pathToFileURL(join(root, 'packages', 'core', 'lib', 'version.js')).href);
  if (version !== DBOPS_VERSION)
    throw new Error(
      `packages/cli/package.json has version ${version} but dbops --version prints ${DBOPS_VERSION} ` +
        '(packages/core/src/version.ts): make them equal',
    );
  return version;
}

/** The files of the package, by path inside it: text, or a Buffer. */
export async function cliPackageFiles() {
  const version = await packageVersion();
  const cli = JSON.parse(await readFile(join(cliDir, 'package.json'), 'utf8'));
  const { description, license } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
  const manifest = {
    name: 'dbops',
    version,
    description,
    license,
    type: 'module',
    bin: { dbops: 'bin/dbops.js' },
    engines: cli.engines,
    // Everything is in dist/: nothing to install, nothing to run at install time.
    dependencies: {},
  };
  const files = new Map([
    ['package.json', `${JSON.stringify(manifest, null, 2)}\n`],
    [
      'README.md',
      `# dbops ${version}\n\n${description}\n\n` +
        '```sh\nnpm install -g dbops        # or: npx dbops@' +
        `${version} --help\n` +
        'DATABASE_URL=postgres://... dbops backup --to s3://bucket/prefix --encrypt-to age1...\n```\n\n' +
        'Needs Node.js 24 or later and the PostgreSQL client tools (pg_dump, pg_restore, psql); ' +
        'see docs/install.md in the repository for Docker, GitLab CI, Kubernetes and cron.\n',
    ],
    ['bin/dbops.js', BIN],
  ]);
  for (const [file, content] of await nccBundle(join(cliDir, 'lib', 'main.js'))) files.set(`dist/${file}`, content);
  return files;
}

/** Writes the package to a temporary folder, packs it into `destination` and returns the tarball's path. */
export async function packCli(destination) {
  const staging = await mkdtemp(join(tmpdir(), 'dbops-cli-package-'));
  try {
    for (const [file, content] of await cliPackageFiles()) {
      await mkdir(dirname(join(staging, file)), { recursive: true });
      await writeFile(join(staging, file), content);
    }
    await chmod(join(staging, 'bin', 'dbops.js'), 0o755);
    await mkdir(destination, { recursive: true });
    const { stdout } = await promisify(execFile)(
      'npm',
      ['pack', '--json', '--pack-destination', resolve(destination)],
      { cwd: staging, env: { ...process.env, npm_config_loglevel: 'error' } },
    );
    return join(resolve(destination), JSON.parse(stdout)[0].filename);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function main() {
  const at = process.argv.indexOf('--pack-destination');
  const tarball = await packCli(at > 0 ? process.argv[at + 1] : process.cwd());
  console.log(tarball);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
