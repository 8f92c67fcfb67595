#!/usr/bin/env node
// Benchmark of the migrations lint: 1,000 generated Prisma migrations of realistic shapes (new tables with keys,
// indexes and foreign keys; columns added, altered and dropped; functions with $$ bodies; data fixes), read from
// disk with their checksums, then linted with PostgreSQL's parser. Target: the lint of 1,000 files under 2 s.
// Not a test: run on demand after `npx tsc -b`:
//
//   node bench/migrations-lint.mjs            options: --files 1000 --runs 3 --seed 42
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PrismaSource } from '../packages/core/lib/migrations/prisma-source.js';
import { lintMigrations } from '../packages/core/lib/migrations/lint/lint.js';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(args[i + 1]);
};
const files = flag('files', 1000);
const runs = flag('runs', 3);
let seed = flag('seed', 42);

// A small deterministic generator (mulberry32), so every run lints the same files.
function random() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (items) => items[Math.floor(random() * items.length)];
const WORDS = ['order', 'customer', 'invoice', 'payment', 'shipment', 'product', 'coupon', 'review', 'refund', 'audit'];
const TYPES = ['TEXT', 'INTEGER', 'BIGINT', 'BOOLEAN NOT NULL DEFAULT false', 'TIMESTAMP(3)', 'JSONB', 'DECIMAL(12,2)'];

function migration(i, tables) {
  const table = `${pick(WORDS)}_${i}`;
  const parts = [];
  const columns = Array.from(
    { length: 3 + Math.floor(random() * 12) },
    (_, c) => `    "${pick(WORDS)}_${c}" ${pick(TYPES)}`,
  );
  parts.push(
    `-- CreateTable\nCREATE TABLE "${table}" (\n    "id" SERIAL NOT NULL,\n    "note" TEXT NOT NULL DEFAULT 'a; b',\n` +
      `${columns.join(',\n')},\n    CONSTRAINT "${table}_pkey" PRIMARY KEY ("id")\n);`,
  );
  parts.push(`-- CreateIndex\nCREATE INDEX "${table}_note_idx" ON "${table}"("note");`);
  // Half the changes touch a table production already had, half one added by an earlier migration.
  const existing = random() < 0.5 ? pick(tables.slice(0, WORDS.length)) : pick(tables);
  if (existing) {
    parts.push(
      `-- AddForeignKey\nALTER TABLE "${table}" ADD CONSTRAINT "${table}_ref_fkey" FOREIGN KEY ("id") ` +
        `REFERENCES "${existing}"("id") ON DELETE RESTRICT ON UPDATE CASCADE;`,
    );
    parts.push(
      pick([
        `-- AlterTable\nALTER TABLE "${existing}" ADD COLUMN "extra_${i}" TEXT;`,
        `-- AlterTable\nALTER TABLE "${existing}" ALTER COLUMN "note" SET NOT NULL;`,
        `-- AlterTable\nALTER TABLE "${existing}" ALTER COLUMN "note" TYPE VARCHAR(500);`,
        `-- CreateIndex\nCREATE UNIQUE INDEX "${existing}_u_${i}" ON "${existing}"("note");`,
        `UPDATE "${existing}" SET "note" = 'fixed; ' || "note" WHERE "id" < 1000;`,
      ]),
    );
  }
  if (random() < 0.2) {
    parts.push(
      `CREATE FUNCTION "touch_${i}"() RETURNS trigger LANGUAGE plpgsql AS $$\n` +
        "BEGIN\n  NEW.note := NEW.note || ';';\n  RETURN NEW;\nEND;\n$$;",
    );
  }
  tables.push(table);
  return `${parts.join('\n\n')}\n`;
}

const dir = await mkdtemp(join(tmpdir(), 'dbops-bench-migrations-'));
try {
  // Tables the production database already has: changes to them are what the rules look for.
  const tables = WORDS.map((word) => `${word}s`);
  await writeFile(join(dir, 'migration_lock.toml'), 'provider = "postgresql"\n');
  let bytes = 0;
  for (let i = 0; i < files; i++) {
    const name = `2026${String(i).padStart(10, '0')}_step_${i}`;
    const sql = migration(i, tables);
    bytes += Buffer.byteLength(sql);
    await mkdir(join(dir, name));
    await writeFile(join(dir, name, 'migration.sql'), sql);
  }
  const source = new PrismaSource(dir);
  const timings = [];
  let findings = 0;
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    const migrations = await source.list();
    const listed = performance.now();
    const result = await lintMigrations(
      migrations.map((m) => ({ name: m.name, file: m.file, sql: m.sql })),
      {
        transactionMode: source.transactionMode,
      },
    );
    const done = performance.now();
    findings = result.length;
    timings.push({ list: listed - start, lint: done - listed });
  }
  const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const lint = median(timings.map((t) => t.lint));
  const list = median(timings.map((t) => t.list));
  console.log(
    `${files} migrations (${(bytes / 1024 / 1024).toFixed(1)} MB of SQL), ${findings} findings, ` +
      `median of ${runs} runs:`,
  );
  console.log(`  read + sha256: ${list.toFixed(0)} ms`);
  console.log(`  lint:          ${lint.toFixed(0)} ms  (target < 2000 ms: ${lint < 2000 ? 'met' : 'MISSED'})`);
  console.log(`  first run's lint (parser load included): ${timings[0].lint.toFixed(0)} ms`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
