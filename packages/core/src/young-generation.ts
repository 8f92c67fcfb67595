import { setFlagsFromString } from 'node:v8';

/**
 * Keeps V8's young generation at its starting size (two semi-spaces of 1 MiB) for the rest of the process. V8
 * doubles it, up to 2 × 64 MiB, whenever the bytes that survived young collections since the last doubling exceed
 * its size, and does not shrink it while the process is busy: a backup of 10,000 tables stores 10,000 parts, a few
 * KiB of each outlive a collection or two, and the young generation alone ends at 128 MiB of RSS (bench/README.md,
 * memory at many tables). `--max-semi-space-size` would cap it, but only as a flag at start, which GitHub's
 * `node dist/index.js` cannot take. The growth factor is different: V8 reads it each time it grows the young
 * generation (a multiplier in SemiSpaceNewSpace::Grow), and Node leaves V8's flags writable, so setting it now
 * takes effect. Node documents run-time flag changes as "may do nothing": young-generation.test.ts fails if this
 * one ever does. What survives is promoted a little sooner instead: no slower in the benchmarks.
 * Called by the adapters (the CLI, the GitHub action), not by operations: it is the process's setting.
 */
export function keepYoungGenerationSmall(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}
