// Self-test of the MongoDB harness: the MongoDB tests trust everything checked here.
import { MongoClient } from 'mongodb';
import { FERRETDB_LACKS, itUnless, lacking, startMongo, uniqueDatabase, type MongoServer } from '../harness/mongo.js';
import { childPids } from '../harness/processes.js';

describe('MongoDB harness', () => {
  let server: MongoServer;
  const db = uniqueDatabase('harness');

  beforeAll(async () => {
    server = await startMongo();
  });
  afterAll(async () => {
    await server?.client
      .db(db)
      .dropDatabase()
      .catch(() => undefined);
    await server?.stop();
  });

  it('starts a server that a fresh client can write to and read from, on the URL it gives', async () => {
    expect(server.version).toMatch(/^\d+\.\d+\.\d+/);
    const client = new MongoClient(server.url(db), { serverSelectionTimeoutMS: 5_000 });
    try {
      await client
        .db()
        .collection('things')
        .insertOne({ _id: 1, name: 'Zoë' } as never);
      expect(await server.client.db(db).collection('things').findOne({})).toEqual({ _id: 1, name: 'Zoë' });
    } finally {
      await client.close();
    }
  });

  it('runs FerretDB unless MONGO_URL names a server', () => {
    expect(server.kind).toBe(process.env.MONGO_URL ? 'mongodb' : 'ferretdb');
    expect(server.canCrash).toBe(!process.env.MONGO_URL);
  });

  it('gives the reason a test is skipped, only where the server lacks the feature', () => {
    expect(lacking('views')).toBe(process.env.MONGO_URL ? undefined : FERRETDB_LACKS.views);
    expect(itUnless(undefined, undefined)).toBe(it);
  });
});

describe('a server the harness started', () => {
  const run = itUnless(process.env.MONGO_URL ? 'MONGO_URL names a server the harness did not start' : undefined);

  run('is gone after stop(), and stop() can be called twice', async () => {
    const before = childPids(process.pid, 'ferretdb');
    const server = await startMongo();
    expect(childPids(process.pid, 'ferretdb').length).toBe(before.length + 1);
    await server.stop();
    await server.stop();
    expect(childPids(process.pid, 'ferretdb')).toEqual(before);
    const client = new MongoClient(server.url(), { serverSelectionTimeoutMS: 1_000 });
    await expect(client.connect()).rejects.toThrow();
    await client.close();
  });
});
