/**
 * What the MongoDB oplog tests compare and run: a database's documents and indexes as comparable text, the oplog
 * entries of an archive, and mongo-tools' commands with their output.
 */
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { BSON, type Db, type Document } from 'mongodb';
import { isOplogNamespace } from '../../packages/core/src/databases/mongodb/archive/format.js';
import { readArchive } from '../../packages/core/src/databases/mongodb/archive/reader.js';

/** Each collection's documents in `_id` order as canonical Extended JSON, by collection (system.* left out). */
export async function contentsOf(db: Db): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
  for (const name of names.filter((n) => !n.startsWith('system.'))) {
    const docs = await db.collection(name).find({}).sort({ _id: 1 }).toArray();
    out[name] = docs.map((d) => BSON.EJSON.stringify(d, { relaxed: false }));
  }
  return out;
}

/** Each collection's indexes (name, key, unique), by collection. */
export async function indexesOf(db: Db): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
    if (name.startsWith('system.')) continue;
    const specs = await db.collection(name).listIndexes().toArray();
    out[name] = JSON.stringify(
      specs
        .map((i) => ({ name: i.name, key: i.key, unique: i.unique === true }))
        .sort((a, b) => (a.name < b.name ? -1 : 1)),
    );
  }
  return out;
}

/** The archive's oplog entries, decoded. */
export async function oplogOf(file: string): Promise<Document[]> {
  const entries: Document[] = [];
  await readArchive(createReadStream(file), {
    document(db, collection, bson) {
      if (isOplogNamespace({ db, collection })) entries.push(BSON.deserialize(bson));
    },
  });
  return entries;
}

/** Runs a mongo-tools binary; its exit code and its stdout and stderr together. */
export function runTool(binary: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}
