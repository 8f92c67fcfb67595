// Runs one command under GNU time (`/usr/bin/time -v`) and measures it:
// - wall time (from here), and GNU time's maximum resident set size: for a pipeline or a process with children,
//   that is the largest single process of the tree;
// - for a node process, its own peak RSS and CPU time, reported from inside by bench/lib/report-usage.mjs, and
//   the same for each node process it starts (`nodeChildren`);
// - a profile: every process of the tree (and new PostgreSQL backends: the server side of pg_dump/pg_restore)
//   is sampled from /proc every 200 ms for its CPU time and peak RSS (VmHWM), summed per kind of process.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TICKS = 100; // USER_HZ on Linux
const REPORT_USAGE = fileURLToPath(new URL('./report-usage.mjs', import.meta.url));

/**
 * Runs `command args` (use ['bash', ['-c', script]] for pipelines). `node: true` preloads the usage reporter
 * into that node process. Throws when the command fails. Returns
 * { seconds, treeMaxRssKb, self?: { maxRssKb, cpuSeconds }, nodeChildren: [{ script, maxRssKb, cpuSeconds }], cpuSeconds,
 * profile: { label: { cpuSeconds, peakRssKb, count } },
 * stdout, stderr, lines: [{ t, text }] }.
 */
export async function measure(command, args, { env = process.env, node = false, watch = [], serverPid } = {}) {
  const scratch = mkdtempSync(join(tmpdir(), 'dbops-bench-'));
  const timeFile = join(scratch, 'time.txt');
  const usageFile = join(scratch, 'usage.json');
  const childEnv = node
    ? { ...env, NODE_OPTIONS: `${env.NODE_OPTIONS ?? ''} --import=${REPORT_USAGE}`.trim(), BENCH_USAGE_FILE: usageFile }
    : env;
  const baseline = new Set(listPids());
  const watchedBefore = watch.map(({ pid }) => procUsage(pid).ticks);
  const busyBefore = busyTicks();
  const started = process.hrtime.bigint();
  const child = spawn('/usr/bin/time', ['-v', '-o', timeFile, command, ...args], {
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const lines = []; // stderr lines with the second they arrived at: a timeline of the command's own log
  let partial = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => {
    stderr = (stderr + c).slice(-20_000);
    const t = Number(process.hrtime.bigint() - started) / 1e9;
    const parts = (partial + c).split('\n');
    partial = parts.pop();
    for (const text of parts) lines.push({ t, text });
  });
  const seen = new Map(); // pid -> { label, cpuTicks, hwmKb }
  const sample = () => sampleTree(child.pid, baseline, seen, serverPid);
  const timer = setInterval(sample, 200);
  const code = await new Promise((resolve) => child.once('close', resolve));
  clearInterval(timer);
  const busy = (busyTicks() - busyBefore) / TICKS;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  try {
    if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${code}\n${stderr.slice(-4000)}`);
    const time = readFileSync(timeFile, 'utf8');
    const field = (name) => Number(new RegExp(`${name}: ([\\d.]+)`).exec(time)?.[1] ?? NaN);
    const usages = node
      ? readFileSync(usageFile, 'utf8')
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line))
      : [];
    // The measured node process is the one /usr/bin/time started; the others are node processes it started.
    const self = usages.find((u) => u.ppid === child.pid);
    if (node && !self) throw new Error(`no usage report from the measured node process in ${usageFile}`);
    const profile = {};
    for (const p of seen.values()) {
      const entry = (profile[p.label] ??= { cpuSeconds: 0, peakRssKb: 0, count: 0 });
      entry.cpuSeconds += p.cpuTicks / TICKS;
      entry.peakRssKb = Math.max(entry.peakRssKb, p.hwmKb);
      entry.count++;
    }
    watch.forEach(({ pid, label }, i) => {
      const after = procUsage(pid);
      profile[label] = { cpuSeconds: (after.ticks - watchedBefore[i]) / TICKS, peakRssKb: after.hwmKb, count: 1 };
    });
    // The sampler misses the last <200 ms of each process; the reporter knows node's exact figures.
    if (self && profile.node) Object.assign(profile.node, { cpuSeconds: self.cpuSeconds, peakRssKb: self.maxRssKb });
    const ours = Object.values(profile).reduce((sum, p) => sum + p.cpuSeconds, 0);
    return {
      seconds,
      // CPU the whole machine spent meanwhile on things not measured here (other workloads): noise, in cores.
      otherLoad: Math.max(0, busy - ours) / seconds,
      treeMaxRssKb: field('Maximum resident set size \\(kbytes\\)'),
      cpuSeconds: field('User time \\(seconds\\)') + field('System time \\(seconds\\)'), // the tree, not the server
      self,
      nodeChildren: usages.filter((u) => u !== self),
      profile,
      stdout,
      stderr,
      lines,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Non-idle CPU ticks of the whole machine so far (all cores), from /proc/stat. */
function busyTicks() {
  const [, ...f] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  return f.slice(0, 8).reduce((a, b) => a + b, 0) - f[3] - f[4]; // minus idle and iowait
}

/** Waits (up to maxSeconds) for a second in which the machine is nearly idle, so a run starts on a quiet box. */
export async function waitForQuiet({ maxSeconds = 30, threshold = 0.25 } = {}) {
  const deadline = Date.now() + maxSeconds * 1000;
  for (;;) {
    const before = busyTicks();
    await new Promise((r) => setTimeout(r, 1000));
    const cores = (busyTicks() - before) / TICKS;
    if (cores <= threshold || Date.now() > deadline) return cores;
  }
}

function procUsage(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { ticks: Number(rest[11]) + Number(rest[12]), hwmKb: hwm ? Number(hwm[1]) : NaN };
  } catch {
    return { ticks: NaN, hwmKb: NaN };
  }
}

function listPids() {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .map(Number);
}

/** Records CPU ticks and VmHWM of the tree under root and of PostgreSQL backends that started after `baseline`. */
function sampleTree(root, baseline, seen, serverPid) {
  const parent = new Map();
  const stats = new Map();
  for (const pid of listPids()) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(pid, Number(rest[1]));
      stats.set(pid, {
        comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
        ticks: Number(rest[11]) + Number(rest[12]),
      });
    } catch {
      // exited meanwhile
    }
  }
  const inTree = (pid) => {
    for (let p = pid, hops = 0; p > 1 && hops < 20; p = parent.get(p), hops++) if (p === root) return true;
    return false;
  };
  for (const [pid, { comm, ticks }] of stats) {
    const backend = serverPid !== undefined && parent.get(pid) === serverPid && !baseline.has(pid);
    if (!backend && !inTree(pid)) continue;
    let entry = seen.get(pid);
    if (!entry) {
      entry = { label: backend ? 'postgres (server)' : labelOf(pid, comm), cpuTicks: 0, hwmKb: 0 };
      if (entry.label === undefined) continue;
      seen.set(pid, entry);
    }
    entry.cpuTicks = Math.max(entry.cpuTicks, ticks);
    try {
      const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (hwm) entry.hwmKb = Math.max(entry.hwmKb, Number(hwm[1]));
    } catch {
      // exited meanwhile
    }
  }
}

function labelOf(pid, comm) {
  if (comm === 'time' || comm === 'bash' || comm === 'sh') return undefined;
  let argv = [];
  try {
    argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    // exited
  }
  const name = basename(argv[0] || comm);
  if (name === 'pg_restore') {
    if (argv.includes('--list')) return 'pg_restore --list (check)';
    if (argv.includes('--file=/dev/null')) return 'pg_restore read-through (check)';
    return 'pg_restore';
  }
  if (comm === 'node' || name === 'node') return 'node';
  return name;
}
