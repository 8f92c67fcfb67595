// Preloaded into a measured node process (node --import): at exit, writes that process's own peak RSS and CPU
// time (getrusage RUSAGE_SELF, so children are not counted) to $BENCH_USAGE_FILE.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_USAGE_FILE;
if (file) {
  process.once('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(
      file,
      JSON.stringify({ maxRssKb: usage.maxRSS, cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6 }),
    );
  });
}
