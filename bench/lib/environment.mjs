// What both benchmarks stand on: the PostgreSQL cluster under bench/.data/, the generated databases, an age key
// pair, and the dbops command line under one or more node binaries.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCluster } from './cluster.mjs';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const DATA = join(ROOT, 'bench', '.data');
export const CLI = join(ROOT, 'packages', 'cli', 'lib', 'main.js');

export async function startEnvironment({ log = console.log } = {}) {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npx tsc -b\` (or npm run build) first`);
  mkdirSync(DATA, { recursive: true });
  const cluster = await startCluster({ dir: DATA, log });
  return { cluster, age: ageKeys(), pgBin: cluster.bin };
}

/** An age identity kept under bench/.data (generated once with age-keygen) and its recipient. */
function ageKeys() {
  const file = join(DATA, 'age-identity.txt');
  if (!existsSync(file)) execFileSync('age-keygen', ['-o', file], { stdio: 'ignore' });
  const identity = readFileSync(file, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('AGE-SECRET-KEY-'));
  const recipient = execFileSync('age-keygen', ['-y', file]).toString().trim();
  return { identity, recipient, file };
}

/**
 * The node binaries dbops is measured under: this one, plus --node24 / $BENCH_NODE24 when given (Node 24 has zstd
 * in zlib, so dbops compresses in-process there instead of through the zstd command).
 */
export function nodeBinaries(extra) {
  const nodes = [{ label: `node ${process.version}`, bin: process.execPath }];
  const other = extra || process.env.BENCH_NODE24;
  if (other) nodes.push({ label: `node ${execFileSync(other, ['-v']).toString().trim()}`, bin: other });
  return nodes;
}

/** The commit the measured build comes from, "+ local changes" when the tree differs from it. */
export function describeBuild() {
  try {
    const head = execFileSync('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']).toString().trim();
    const dirty = execFileSync('git', ['-C', ROOT, 'status', '--porcelain', '--', 'packages']).toString().trim() !== '';
    return `${head}${dirty ? ' + local changes' : ''}`;
  } catch {
    return 'unknown build';
  }
}
