// Preloaded into a measured node process (node --import): at exit, appends that process's own peak RSS and CPU
// time (getrusage RUSAGE_SELF, so children are not counted) as one JSON line to $BENCH_USAGE_FILE. Node processes it
// starts inherit the preload through NODE_OPTIONS and append their own lines (dbops's SQL parser process).
import { appendFileSync } from 'node:fs';

const file = process.env.BENCH_USAGE_FILE;
if (file) {
  process.once('exit', () => {
    const usage = process.resourceUsage();
    const line = {
      pid: process.pid,
      ppid: process.ppid,
      script: process.argv[1] ?? '',
      maxRssKb: usage.maxRSS,
      cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
    };
    appendFileSync(file, `${JSON.stringify(line)}\n`);
  });
}
