#!/usr/bin/env node
// The server's own bound for the MongoDB benchmarks: reads every document of every collection of the URL's database
// with the official driver in raw mode (the server's BSON bytes, never decoded), one collection after another, as
// dbops's dump does, and writes nothing. No backup can be faster than the server hands out its documents.
//
//   node bench/mongo-read-all.mjs mongodb://127.0.0.1:27017/bench_1000
//
// Prints {"documents":N,"bytes":N,"seconds":S} on stdout.
import { MongoClient } from 'mongodb';

const url = process.argv[2];
if (!url) throw new Error('usage: node bench/mongo-read-all.mjs <mongodb URL naming the database>');
const client = new MongoClient(url);
const started = process.hrtime.bigint();
let documents = 0;
let bytes = 0;
try {
  const db = client.db();
  const collections = await db.listCollections({ type: 'collection' }, { nameOnly: true }).toArray();
  for (const { name } of collections.filter((c) => !c.name.startsWith('system.'))) {
    // dbops's batch size (dump-stream.ts, batchSizeFor): ~4 MiB or 1000 documents. Without one, FerretDB answers
    // the first getMore with the whole rest of the collection.
    const { count, size } = await db.command({ collStats: name });
    const batchSize =
      count > 0 && size > 0 ? Math.max(1, Math.min(1000, Math.floor((4 << 20) / (size / count)))) : 1000;
    for await (const doc of db.collection(name).find({}, { raw: true, batchSize })) {
      documents++;
      bytes += doc.length;
    }
  }
} finally {
  await client.close();
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
process.stdout.write(`${JSON.stringify({ documents, bytes, seconds })}\n`);
