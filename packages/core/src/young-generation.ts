import { setFlagsFromString } from 'node:v8';

/**
 * Keeps V8's young generation at its starting size (semi-spaces of 1 MiB) for the rest of the process. V8 doubles
 * it, up to 2 × 64 MiB, whenever the bytes that survived young collections since the last doubling exceed its
 * size, and does not shrink it while the process is busy: a backup of 10,000 tables stores 10,000 parts, a few KiB
 * of each outlive a collection or two, and the young generation alone ends at 128 MiB of RSS (bench/README.md,
 * memory at many tables). Capping it with `--max-semi-space-size` needs a flag at start, which GitHub's
 * `node dist/index.js` cannot take; V8 reads the growth factor each time it would grow, so setting it here works
 * in a running process. What survives is promoted a little sooner instead: measured no slower (bench/README.md).
 * Called by the adapters (the CLI, the GitHub action) before an operation runs, not by operations: it is the
 * process's setting, not a library's.
 */
export function keepYoungGenerationSmall(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}
