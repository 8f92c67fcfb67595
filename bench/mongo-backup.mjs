#!/usr/bin/env node
// MongoDB backup benchmark: `dbops backup` of a mongodb:// URL against mongodump, on a generated document database,
// on the same server, in one invocation.
//
//   npx tsc -b && node bench/mongo-backup.mjs [--size-mb 1000] [--small-size-mb 250|0] [--runs 3] [--seed 42]
//                                             [--backend sqlite|postgresql] [--markdown results.md]
//
// Contenders, run in turn (run 1 of each, then run 2 of each, ...), the median reported:
//   driver read, raw, no output      the server's bound: every document read as dbops reads them, nothing written
//   mongodump --archive --gzip > file
//   mongodump --archive | zstd -T0 -3 > file
//   mongodump --archive | zstd -T0 -3 | age -r R > file, and the same into `aws s3 cp -` against the same S3 server
//                                    (what dbops zstd+age → local / → S3 replace; `age` and `aws` on PATH, else left out)
//   dbops backup, zstd → local directory
//   dbops backup, zstd + age → local directory
//   dbops backup, zstd + age → S3    (s3rver in its own process, on this machine; $BENCH_S3_ENDPOINT for another)
// Each dbops row is judged against the pipe for the same destination and the same work: zstd → local against
// `mongodump | zstd > file`, zstd+age → local against the age pipe into a file, zstd+age → S3 against the age pipe
// into `aws s3 cp -` (time at most 1.0x, output at most the pipe's: age adds bytes to both sides or to neither).
// The pipes into a file end with `sync FILE`: dbops fsyncs a local backup, so the baselines pay for durability too.
// The mongodump rows need mongo-tools: $MONGO_TOOLS_BIN (a folder with mongodump), the machine's test tools folder,
// or PATH; without it they are left out and the report says so.
// The server is FerretDB v1.24.2 (bench/mongo-server.mjs) unless MONGO_URL names a real MongoDB. A second, smaller
// database (--small-size-mb, default a quarter) shows whether dbops's memory grows with the database.
import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { delimiter, join } from 'node:path';
import { parseArgs } from 'node:util';
import { CLI, DATA, describeBuild } from './lib/environment.mjs';
import { measure, waitForQuiet } from './lib/measure.mjs';
import { startS3Server } from './lib/s3server.mjs';
import { profileTable } from './lib/profile.mjs';
import { markdownTable, median, mib, ratio, rssMb, seconds } from './lib/table.mjs';
import { generateMongo } from './mongo-generate.mjs';
import { startMongoServer } from './mongo-server.mjs';

const { values: opts } = parseArgs({
  options: {
    'size-mb': { type: 'string', default: '1000' },
    'small-size-mb': { type: 'string' },
    runs: { type: 'string', default: '3' },
    seed: { type: 'string', default: '42' },
    backend: { type: 'string', default: 'sqlite' },
    markdown: { type: 'string' },
  },
});
const sizeMb = Number(opts['size-mb']);
const smallMb = opts['small-size-mb'] === undefined ? Math.round(sizeMb / 4) : Number(opts['small-size-mb']);
const runs = Number(opts.runs);
const seed = Number(opts.seed);
const log = (line) => process.stderr.write(`${line}\n`);
// The pipes the dbops rows are judged against: the same work into the same destination.
const ZSTD_PIPE = 'mongodump --archive | zstd -T0 -3';
const LOCAL_AGE_PIPE = 'mongodump --archive | zstd -T0 -3 | age > file';
const S3_AGE_PIPE = 'mongodump … | age | aws s3 cp - (same S3 server)';
const out = [];
const print = (text = '') => {
  out.push(text);
  process.stdout.write(`${text}\n`);
};

if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npx tsc -b\` (or npm run build) first`);
const { generateIdentity } = await import('@dbops/core');
const key = generateIdentity();
const serverDir = join(DATA, `ferretdb-${opts.backend}`);
const server = await startMongoServer({ dir: serverDir, backend: opts.backend, log });
const s3 = await startS3Server({ dir: join(DATA, 's3-mongo') });
const work = join(DATA, 'out-mongo');
const mongodump = findTool('mongodump');
const ageTool = findTool('age');
const awsTool = findTool('aws');
const loadBefore = loadavg();
try {
  const sizes = smallMb > 0 ? [sizeMb, smallMb] : [sizeMb];
  const results = {};
  for (const size of sizes) {
    const db = `bench_${size}`;
    const dataset = await ensureDataset(db, size);
    results[size] = { dataset, rows: await benchDatabase(db) };
  }
  report(results, sizes);
  if (opts.markdown) writeFileSync(opts.markdown, `${out.join('\n')}\n`);
} finally {
  await s3.stop();
  await server.stop();
  rmSync(work, { recursive: true, force: true });
  rmSync(join(DATA, 's3-mongo'), { recursive: true, force: true });
}

/** The generated database `db` for (size, seed), reused while a marker says it is there. */
async function ensureDataset(db, size) {
  const markerFile = join(serverDir, 'datasets.json');
  const markers = existsSync(markerFile) ? JSON.parse(readFileSync(markerFile, 'utf8')) : {};
  const current = markers[db];
  if (current && current.sizeMb === size && current.seed === seed && !process.env.MONGO_URL) {
    log(`dataset ${db}: reusing ${mib(current.bsonBytes)} of BSON (size ${size} MB, seed ${seed})`);
    return current;
  }
  log(`dataset ${db}: generating ~${size} MB of documents (seed ${seed})`);
  delete markers[db];
  writeFileSync(markerFile, JSON.stringify(markers, null, 2));
  const result = await generateMongo({
    url: server.url(db),
    sizeMb: size,
    seed,
    replace: true,
    log: (l) => log(`  ${l}`),
  });
  markers[db] = { sizeMb: size, seed, ...result, generatedAt: new Date().toISOString() };
  writeFileSync(markerFile, JSON.stringify(markers, null, 2));
  return markers[db];
}

async function benchDatabase(db) {
  const url = server.url(db);
  const file = (name) => join(work, name);
  const shell = (script) => ['bash', ['-c', `set -o pipefail; ${script}`]];
  const dbops = (to, extra = []) => [
    process.execPath,
    [CLI, 'backup', '--database-url', url, '--to', to, '--json', ...extra],
  ];
  const age = ['--encrypt-to', key.recipient];
  // A pipe into a file, made as durable as dbops's local backup (fsynced) before the clock stops.
  const toFile = (name) => `> ${file(name)} && sync ${file(name)}`;
  // s3rver takes any key; the aws CLI needs one to sign with (an external server: the caller's AWS_* variables).
  const awsKeys = process.env.BENCH_S3_ENDPOINT ? '' : 'AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER ';
  const contenders = [
    {
      name: 'driver read, raw, no output',
      node: true,
      cmd: () => [process.execPath, [join(import.meta.dirname, 'mongo-read-all.mjs'), url]],
      size: () => NaN,
    },
  ];
  if (mongodump) {
    const dump = `${mongodump} --quiet --uri='${url}' --archive`;
    contenders.push(
      {
        name: 'mongodump --archive --gzip',
        cmd: () => shell(`${dump} --gzip ${toFile('gzip.archive')}`),
        size: () => statSync(file('gzip.archive')).size,
      },
      {
        name: ZSTD_PIPE,
        cmd: () => shell(`${dump} | zstd -T0 -3 -q ${toFile('archive.zst')}`),
        size: () => statSync(file('archive.zst')).size,
      },
    );
    const agePipe = `${dump} | zstd -T0 -3 -q | ${ageTool} -r ${key.recipient}`;
    if (ageTool) {
      contenders.push({
        name: LOCAL_AGE_PIPE,
        cmd: () => shell(`${agePipe} ${toFile('archive.zst.age')}`),
        size: () => statSync(file('archive.zst.age')).size,
      });
    }
    if (ageTool && awsTool) {
      contenders.push({
        name: S3_AGE_PIPE,
        s3: true,
        cmd: (run) =>
          shell(`${agePipe} | ${awsKeys}${awsTool} s3 cp - s3://${s3.bucket}/${db}-pipe-${run} ${s3.awsArgs}`),
        size: (run) =>
          Number(
            execFileSync('bash', [
              '-c',
              `${awsKeys}${awsTool} s3api head-object --bucket ${s3.bucket} --key ${db}-pipe-${run} --query ContentLength ${s3.awsArgs}`,
            ]),
          ),
      });
    }
  }
  contenders.push(
    { name: 'dbops zstd → local', dbops: true, cmd: (run) => dbops(file(`dbops-zstd-${run}`)) },
    { name: 'dbops zstd+age → local', dbops: true, cmd: (run) => dbops(file(`dbops-age-${run}`), age) },
    {
      name: 'dbops zstd+age → S3',
      dbops: true,
      s3: true,
      cmd: (run) => dbops(`s3://${s3.bucket}/${db}-${run}`, [...age, ...s3.cliArgs]),
    },
  );

  // Warm the server's caches once, so the first contender does not pay for reading the data from disk.
  log(`${db}: warming up (driver read)`);
  await measure(process.execPath, [join(import.meta.dirname, 'mongo-read-all.mjs'), url]);

  const rows = contenders.map((c) => ({ ...c, runs: [] }));
  for (let run = 1; run <= runs; run++) {
    for (const c of rows) {
      rmSync(work, { recursive: true, force: true });
      mkdirSync(work, { recursive: true });
      const [command, args] = c.cmd(run);
      await waitForQuiet();
      const watch = [
        ...(server.pid ? [{ pid: server.pid, label: 'ferretdb (server)' }] : []),
        ...(c.s3 && s3.pid ? [{ pid: s3.pid, label: 's3rver' }] : []),
      ];
      const m = await measure(command, args, { node: !!(c.dbops || c.node), watch });
      m.sizeBytes = c.dbops ? JSON.parse(m.stdout).object.storedBytes : c.size(run); // --json prints the manifest
      if (c.dbops) m.rawBytes = JSON.parse(m.stdout).object.rawBytes;
      c.runs.push(m);
      log(
        `${db} run ${run}/${runs}: ${c.name.padEnd(36)} ${seconds(m.seconds).padStart(8)}  ${mib(m.sizeBytes).padStart(11)}  ` +
          `node ${m.self ? rssMb(m.self.maxRssKb) : '—'}  tree max ${rssMb(m.treeMaxRssKb)}  ` +
          `server cpu ${seconds(m.profile['ferretdb (server)']?.cpuSeconds ?? NaN)}  other load ${m.otherLoad.toFixed(2)}`,
      );
    }
  }
  return rows.map((c) => {
    const byTime = [...c.runs].sort((a, b) => a.seconds - b.seconds);
    return {
      name: c.name,
      dbops: !!c.dbops,
      seconds: median(c.runs.map((r) => r.seconds)),
      all: c.runs.map((r) => r.seconds),
      sizeBytes: median(c.runs.map((r) => r.sizeBytes)),
      nodeRssKb: c.dbops || c.node ? Math.max(...c.runs.map((r) => r.self.maxRssKb)) : NaN,
      treeMaxRssKb: Math.max(...c.runs.map((r) => r.treeMaxRssKb)),
      cpuSeconds: median(c.runs.map((r) => r.cpuSeconds)),
      serverCpu: median(c.runs.map((r) => r.profile['ferretdb (server)']?.cpuSeconds ?? NaN)),
      otherLoad: median(c.runs.map((r) => r.otherLoad)),
      typical: byTime[Math.floor((byTime.length - 1) / 2)],
    };
  });
}

function report(results, sizes) {
  print(
    `## MongoDB backup benchmark — ${new Date().toISOString().slice(0, 10)}, dbops ${describeBuild()}, node ${process.version}, ${runs} run(s) each, median`,
  );
  print();
  print(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}. Server: ${server.label}. S3: ${s3.label}.`);
  print(`mongo-tools: ${mongodump ?? 'not installed (the mongodump rows are left out)'}.`);
  print(`Load average (1/5/15 min): ${fmtLoad(loadBefore)} at the start, ${fmtLoad(loadavg())} at the end.`);
  for (const size of sizes) {
    const { rows, dataset } = results[size];
    const bound = rows.find((r) => r.name.startsWith('driver read'));
    const pipe = rows.find((r) => r.name === ZSTD_PIPE);
    const peer = samePeer(rows);
    print();
    print(
      `### Database ~${size} MB (${dataset.documents} documents, ${mib(dataset.bsonBytes)} of BSON: ` +
        dataset.collections.map((c) => `${c.name} ${mib(c.bsonBytes)}`).join(', ') +
        ')',
    );
    print();
    print(
      markdownTable(
        [
          'contender',
          'wall (median)',
          'runs',
          'output',
          'ratio',
          'peak RSS (node)',
          'largest process RSS',
          'CPU (tree)',
          'CPU (server)',
          'time vs driver read',
          'time vs mongodump | zstd',
          'time vs the same-destination pipe',
          'other load',
        ],
        rows.map((r) => [
          r.name,
          seconds(r.seconds),
          r.all.map((s) => s.toFixed(1)).join(' / '),
          Number.isFinite(r.sizeBytes) ? mib(r.sizeBytes) : '—',
          Number.isFinite(r.sizeBytes) ? ratio(dataset.bsonBytes / r.sizeBytes) : '—',
          rssMb(r.nodeRssKb),
          rssMb(r.treeMaxRssKb),
          seconds(r.cpuSeconds),
          seconds(r.serverCpu),
          ratio(r.seconds / bound.seconds),
          pipe ? ratio(r.seconds / pipe.seconds) : '—',
          peer(r) ? ratio(r.seconds / peer(r).seconds) : '—',
          r.otherLoad.toFixed(2),
        ]),
      ),
    );
    print();
    print('CPU seconds and peak RSS by process (the median run):');
    print();
    print(profileTable(rows.map((r) => ({ name: r.name, profile: r.typical.profile, seconds: r.typical.seconds }))));
  }
  print();
  print('### Targets');
  print();
  const large = results[sizes[0]].rows;
  const peer = samePeer(large);
  const targets = [];
  for (const r of large.filter((x) => x.dbops)) {
    const p = peer(r);
    if (p) {
      targets.push([r.name, `time ≤ 1.0x ${p.name}`, ratio(r.seconds / p.seconds), verdict(r.seconds <= p.seconds)]);
      targets.push([
        r.name,
        `output ≤ ${p.name}`,
        ratio(r.sizeBytes / p.sizeBytes),
        verdict(r.sizeBytes <= p.sizeBytes),
      ]);
    } else {
      targets.push([r.name, 'time and output against the same-destination pipe', 'not measured', '—']);
    }
    targets.push([r.name, 'peak RSS (node) < 200 MB', rssMb(r.nodeRssKb), verdict(r.nodeRssKb < 200 * 1024)]);
    if (sizes.length > 1) {
      const small = results[sizes[1]].rows.find((x) => x.name === r.name);
      targets.push([
        r.name,
        `peak RSS flat (${sizes[1]} MB → ${sizes[0]} MB)`,
        `${rssMb(small.nodeRssKb)} → ${rssMb(r.nodeRssKb)}`,
        verdict(r.nodeRssKb / small.nodeRssKb < 1.15),
      ]);
    }
  }
  print(markdownTable(['dbops', 'target', 'measured', ''], targets));
}

function findTool(name) {
  const tools = join(process.env.DBOPS_TEST_TOOLS_DIR ?? '/opt/dbops-test-tools', 'bin');
  const dirs = [process.env.MONGO_TOOLS_BIN, tools, ...(process.env.PATH ?? '').split(delimiter)].filter(Boolean);
  for (const dir of dirs) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * The pipe a dbops row is judged against: the same work (age or not) into the same destination (a file, or the S3
 * server); undefined when that pipe could not run here.
 */
function samePeer(rows) {
  const named = (name) => rows.find((r) => r.name === name);
  return (r) => {
    if (!r.dbops) return undefined;
    if (!r.name.includes('+age')) return named(ZSTD_PIPE);
    return named(r.name.includes('→ S3') ? S3_AGE_PIPE : LOCAL_AGE_PIPE);
  };
}

// A declaration, not a const: report() runs (top-level await) before a const this far down would be initialised.
function fmtLoad(l) {
  return l.map((x) => x.toFixed(2)).join(' / ');
}

function verdict(ok) {
  return ok ? 'met' : 'MISSED';
}
