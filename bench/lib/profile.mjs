// Turns measurements into "where does the time go": CPU and memory by process, and phases of a dbops run read
// off the timestamps of its own log lines.
import { markdownTable, rssMb, seconds } from './table.mjs';

const ORDER = [
  'node',
  'pg_dump',
  'postgres (server)',
  'zstd',
  'gzip',
  'pg_restore --list (check)',
  'pg_restore read-through (check)',
  'pg_restore',
  's3rver',
];

/** rows: [{ name, profile, seconds }] → a table of "CPU s / peak RSS" per kind of process, and cores busy. */
export function profileTable(rows) {
  const labels = [...new Set(rows.flatMap((r) => Object.keys(r.profile)))].sort(
    (a, b) => (ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99),
  );
  return markdownTable(
    ['contender', ...labels, 'CPU total', 'cores busy'],
    rows.map((r) => {
      const total = Object.values(r.profile).reduce((sum, p) => sum + p.cpuSeconds, 0);
      return [
        r.name,
        ...labels.map((l) =>
          r.profile[l] ? `${r.profile[l].cpuSeconds.toFixed(1)} s / ${rssMb(r.profile[l].peakRssKb)}` : '',
        ),
        seconds(total),
        (total / r.seconds).toFixed(2),
      ];
    }),
  );
}

/** dbops's formatSeconds back to seconds: "21.3 s", "1 min 5 s", "1 h 2 min". */
export function parseSeconds(text) {
  let total = 0;
  for (const [, n, unit] of text.matchAll(/([\d.]+)\s*(h|min|s)\b/g))
    total += Number(n) * (unit === 'h' ? 3600 : unit === 'min' ? 60 : 1);
  return total;
}

const at = (lines, re) => lines.find((l) => re.test(l.text));

/** Phases of a `dbops backup` run: start+connect, inventory, stream, verify, exit (seconds). */
export function backupPhases(m) {
  const connected = at(m.lines, /^PostgreSQL .* using pg_dump/);
  const dumped = at(m.lines, /^Dumped .* in /);
  const complete = at(m.lines, /^Backup .* complete/);
  if (!connected || !dumped || !complete) return { start: NaN, inventory: NaN, stream: NaN, verify: NaN, exit: NaN };
  const stream = parseSeconds(/ in ([^()]+)\(/.exec(dumped.text)?.[1] ?? '');
  return {
    start: connected.t,
    inventory: dumped.t - stream - connected.t,
    stream,
    verify: complete.t - dumped.t,
    exit: m.seconds - complete.t,
  };
}

/** Phases of a `dbops restore-test` run: find backup, fetch+verify+decrypt+decompress, pg_restore, checks, exit. */
export function restorePhases(m) {
  const testing = at(m.lines, /^Testing backup/);
  const fetched = at(m.lines, /^Fetched and verified/);
  const restored = at(m.lines, /^Restored in(to)? /);
  if (!testing || !fetched || !restored) return undefined;
  const restoring = at(m.lines, /^Restoring into scratch/) ?? testing;
  return {
    start: restoring.t,
    fetch: fetched.t - restoring.t,
    restore: restored.t - fetched.t,
    checks: m.seconds - restored.t,
  };
}
