// The pure parts of point-in-time MongoDB backups (docs/mongodb.md, "Consistency"): the archive's oplog namespace as
// the writer lays it out and the reader checks it, which oplog entries a one-database archive keeps, and how an
// archive's entries become the operations a restore applies.
import { BSON, type Document } from 'mongodb';
import { DbopsError } from '@dbops/core';
import { OPLOG_NAMESPACE } from '../../packages/core/src/databases/mongodb/archive/format.js';
import { readArchive } from '../../packages/core/src/databases/mongodb/archive/reader.js';
import { ArchiveWriter, type CollectionSource } from '../../packages/core/src/databases/mongodb/archive/writer.js';
import { selectOplogEntry, type OplogScope } from '../../packages/core/src/databases/mongodb/oplog-selection.js';
import { OplogReplayPlan } from '../../packages/core/src/databases/mongodb/oplog-replay.js';
import { OplogCatalog, OplogCatalogs } from '../../packages/core/src/databases/mongodb/oplog-catalog.js';

const ts = (t: number, i: number) => new BSON.Timestamp({ t, i });
const entry = (t: number, op: string, ns: string, o: Document, extra: Document = {}) => ({
  ts: ts(t, 1),
  op,
  ns,
  o,
  ...extra,
});

const orders: CollectionSource = {
  db: 'shop',
  collection: 'orders',
  metadata: { options: {}, indexes: [], type: 'collection' },
  documents: () => [BSON.serialize({ _id: 1 }), BSON.serialize({ _id: 2 })],
};

async function archiveOf(sources: CollectionSource[]): Promise<Buffer> {
  const writer = new ArchiveWriter(sources, { serverVersion: '7.0.42', toolVersion: 'dbops test', chunkBytes: 64 });
  const chunks: Buffer[] = [];
  for await (const chunk of writer.chunks()) chunks.push(chunk);
  return Buffer.concat(chunks);
}

function oplogSource(entries: Document[]): CollectionSource {
  return { ...OPLOG_NAMESPACE, documents: () => entries.map((e) => BSON.serialize(e)) };
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

async function readError(bytes: Buffer): Promise<DbopsError> {
  const error = await readArchive(once(bytes)).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof DbopsError)) throw new Error(`expected a DbopsError, got ${String(error)}`);
  return error;
}

describe("the archive's oplog namespace", () => {
  const entries = [
    entry(100, 'i', 'shop.orders', { _id: 3 }),
    entry(101, 'u', 'shop.orders', { $v: 1, $set: { n: 1 } }, { o2: { _id: 1 } }),
  ];

  it('is laid out as mongodump --oplog writes it: listed last in the prelude with empty metadata, its data last', async () => {
    const archive = await archiveOf([orders, oplogSource(entries)]);
    // The prelude entry mongodump writes (mongo-tools common/archive/prelude.go): db "", collection "oplog".
    const preludeEntry = BSON.serialize({ db: '', collection: 'oplog', metadata: '', size: 0, type: '' });
    expect(archive.includes(Buffer.from(preludeEntry))).toBe(true);
    const contents = await readArchive(once(archive));
    expect(contents.namespaces.map((ns) => ns.collection)).toEqual(['orders']);
    expect(contents.oplog).toMatchObject({
      db: '',
      collection: 'oplog',
      documents: 2,
      first: { t: 100, i: 1 },
      last: { t: 101, i: 1 },
    });
    expect(contents.oplog!.crc).not.toBe(0n);
  });

  it("is CRC-checked like any namespace: a flipped byte in an entry's value fails naming the oplog", async () => {
    const archive = await archiveOf([orders, oplogSource(entries)]);
    const marker = Buffer.from(BSON.serialize({ n: 1 })).subarray(4, -1); // the $set's field, inside the last entry
    const at = archive.lastIndexOf(marker);
    archive[at + marker.length - 1]! ^= 0x01;
    const error = await readError(archive);
    expect(error.code).toBe('INTEGRITY_FAILED');
    expect(error.message).toContain('failed its CRC check for the oplog');
  });

  it('refuses a document that is not an oplog entry, and entries that go back in time', async () => {
    const notEntry = await readError(await archiveOf([orders, oplogSource([{ _id: 1 }])]));
    expect(notEntry.message).toContain('oplog entry 1: no BSON timestamp ts');
    const backwards = await readError(await archiveOf([orders, oplogSource([entries[1]!, entries[0]!])]));
    expect(backwards.message).toContain('oplog entry 2: its ts 100:1 is older than the entry before (101:1)');
  });

  it("refuses a collection's data after the oplog's (mongorestore stops reading collections there)", async () => {
    const error = await readError(await archiveOf([oplogSource(entries), orders]));
    expect(error.code).toBe('INTEGRITY_FAILED');
    expect(error.message).toContain("shop.orders has data after the oplog's");
  });
});

describe('which oplog entries a one-database archive keeps', () => {
  // The backup's scope (tables: orders, items): also a collection of those names created during the dump.
  const scope: OplogScope = {
    databases: ['shop'],
    selects: (_database, collection) => ['orders', 'items'].includes(collection),
  };
  const select = (e: Document, transactions = new Set<string>()) => selectOplogEntry(e, scope, transactions).kind;

  it('keeps writes to the backed-up collections and commands on them or the database; drops everything else', () => {
    expect(select(entry(1, 'i', 'shop.orders', { _id: 1 }))).toBe('keep');
    expect(select(entry(1, 'd', 'shop.items', { _id: 1 }))).toBe('keep');
    expect(select(entry(1, 'c', 'shop.$cmd', { create: 'orders' }))).toBe('keep');
    expect(select(entry(1, 'c', 'shop.$cmd', { dropDatabase: 1 }))).toBe('keep');
    // A collection the backup's scope leaves out (tables, exclude-tables), another database
    // (even one whose name starts alike), no-ops.
    expect(select(entry(1, 'i', 'shop.logs', { _id: 1 }))).toBe('drop');
    expect(select(entry(1, 'c', 'shop.$cmd', { create: 'logs' }))).toBe('drop');
    expect(select(entry(1, 'i', 'shopping.orders', { _id: 1 }))).toBe('drop');
    expect(select(entry(1, 'n', 'shop.orders', { msg: 'periodic noop' }))).toBe('drop');
  });

  it("keeps a transaction's operations in scope, only those, and its commit", () => {
    const txn = { lsid: { id: new BSON.UUID('0123456789abcdef0123456789abcdef') }, txnNumber: BSON.Long.fromNumber(7) };
    const transactions = new Set<string>();
    const mixed = entry(
      1,
      'c',
      'admin.$cmd',
      {
        applyOps: [
          { op: 'i', ns: 'shop.orders', o: { _id: 1 } },
          { op: 'i', ns: 'other.orders', o: { _id: 1 } },
        ],
        prepare: true,
      },
      txn,
    );
    const selection = selectOplogEntry(mixed, scope, transactions);
    expect(selection.kind).toBe('rewrite');
    expect((selection as { entry: Document }).entry.o).toEqual({
      applyOps: [{ op: 'i', ns: 'shop.orders', o: { _id: 1 } }],
      prepare: true,
    });
    expect(select(entry(2, 'c', 'admin.$cmd', { commitTransaction: 1 }, txn), transactions)).toBe('keep');
    // Another transaction's commit, and a transaction without this database, are not.
    const other = { ...txn, txnNumber: BSON.Long.fromNumber(8) };
    expect(select(entry(3, 'c', 'admin.$cmd', { commitTransaction: 1 }, other), transactions)).toBe('drop');
    expect(select(entry(4, 'c', 'admin.$cmd', { applyOps: [{ op: 'i', ns: 'x.y', o: {} }] }), transactions)).toBe(
      'drop',
    );
  });

  it('fails as mongodump does on a rename or an import of a backed-up collection during the dump', () => {
    const rename = entry(1, 'c', 'shop.$cmd', { renameCollection: 'shop.orders', to: 'shop.old' });
    expect(() => select(rename)).toThrow(
      'Cannot capture the oplog: a collection was renamed (shop.orders to shop.old) during the backup',
    );
    // Into a backed-up name, across databases, inside applyOps.
    expect(() => select(entry(1, 'c', 'shop.$cmd', { renameCollection: 'shop.tmp', to: 'shop.items' }))).toThrow(
      'renamed (shop.tmp to shop.items)',
    );
    expect(() => select(entry(1, 'c', 'shop.$cmd', { renameCollection: 'shop.orders', to: 'other.x' }))).toThrow(
      'renamed',
    );
    const nested = entry(1, 'c', 'admin.$cmd', {
      applyOps: [{ op: 'c', ns: 'shop.$cmd', o: { renameCollection: 'shop.logs', to: 'shop.orders' } }],
    });
    expect(() => select(nested)).toThrow('renamed (shop.logs to shop.orders)');
    expect(() => select(entry(1, 'c', 'shop.$cmd', { importCollection: 'orders' }))).toThrow(
      'a collection was imported (shop.orders)',
    );
  });

  it('drops a rename or an import of collections the backup leaves out, as their other entries', () => {
    // A collection outside the scope (exclude-tables), another database, a temporary collection swapped in and out.
    expect(select(entry(1, 'c', 'shop.$cmd', { renameCollection: 'shop.logs', to: 'shop.logs_old' }))).toBe('drop');
    expect(select(entry(1, 'c', 'other.$cmd', { renameCollection: 'other.orders', to: 'other.items' }))).toBe('drop');
    expect(select(entry(1, 'c', 'shop.$cmd', { importCollection: 'logs' }))).toBe('drop');
    const nested = entry(1, 'c', 'admin.$cmd', {
      applyOps: [
        { op: 'c', ns: 'shop.$cmd', o: { renameCollection: 'shop.tmp', to: 'shop.logs' } },
        { op: 'i', ns: 'shop.orders', o: { _id: 1 } },
      ],
    });
    expect(selectOplogEntry(nested, scope, new Set<string>())).toEqual({
      kind: 'rewrite',
      entry: { ...nested, o: { applyOps: [{ op: 'i', ns: 'shop.orders', o: { _id: 1 } }] } },
    });
  });

  it("keeps a large transaction's last entry once a part was in scope, and its replay applies the parts", () => {
    // Over 16 MB: partialTxn parts, then the entry that commits it; here the last holds only another collection's.
    const txn = { lsid: { id: new BSON.UUID('0123456789abcdef0123456789abcdef') }, txnNumber: BSON.Long.fromNumber(9) };
    const part = (t: number, applyOps: Document[], extra: Document = {}) =>
      entry(t, 'c', 'admin.$cmd', { applyOps, ...extra }, txn);
    const entries = [
      part(1, [{ op: 'i', ns: 'shop.orders', o: { _id: 1 } }], { partialTxn: true }),
      part(2, [{ op: 'i', ns: 'shop.logs', o: { _id: 2 } }], { partialTxn: true }),
      part(3, [{ op: 'i', ns: 'shop.logs', o: { _id: 3 } }], { count: 3 }),
    ];
    const transactions = new Set<string>();
    const archived = entries.flatMap((e) => {
      const selection = selectOplogEntry(e, scope, transactions);
      return selection.kind === 'drop' ? [] : [selection.kind === 'keep' ? e : selection.entry];
    });
    expect(archived).toEqual([entries[0], { ...entries[2], o: { applyOps: [], count: 3 } }]);
    const plan = new OplogReplayPlan(new Map([['shop', 'copy']]));
    expect(archived.flatMap((e) => plan.plan(e))).toEqual([{ op: 'i', ns: 'copy.orders', o: { _id: 1 } }]);
    expect(plan.openTransactions).toBe(0);
    // A transaction none of whose parts was in scope is dropped whole; a part without any still is.
    const other = { ...txn, txnNumber: BSON.Long.fromNumber(10) };
    const none = new Set<string>();
    expect(selectOplogEntry({ ...entries[1], ...other }, scope, none).kind).toBe('drop');
    expect(selectOplogEntry({ ...entries[2], ...other }, scope, none).kind).toBe('drop');
    expect(selectOplogEntry(entries[1]!, scope, new Set(transactions)).kind).toBe('drop');
  });
});

describe('which oplog entries an archive of several databases keeps', () => {
  // databases: shop, billing; tables: shop.orders, billing.* (patterns on db.collection).
  const scope: OplogScope = {
    databases: ['shop', 'billing'],
    selects: (database, collection) => database === 'billing' || collection === 'orders',
  };
  const select = (e: Document) => selectOplogEntry(e, scope, new Set<string>()).kind;

  it("keeps each database's writes and commands on its selected collections, and a transaction's operations in any", () => {
    expect(select(entry(1, 'i', 'shop.orders', { _id: 1 }))).toBe('keep');
    expect(select(entry(1, 'i', 'billing.invoices', { _id: 1 }))).toBe('keep');
    expect(select(entry(1, 'c', 'billing.$cmd', { create: 'fresh' }))).toBe('keep');
    expect(select(entry(1, 'c', 'billing.$cmd', { dropDatabase: 1 }))).toBe('keep');
    expect(select(entry(1, 'i', 'shop.logs', { _id: 1 }))).toBe('drop');
    expect(select(entry(1, 'i', 'other.orders', { _id: 1 }))).toBe('drop');
    const mixed = selectOplogEntry(
      entry(1, 'c', 'admin.$cmd', {
        applyOps: [
          { op: 'i', ns: 'shop.orders', o: { _id: 1 } },
          { op: 'i', ns: 'other.orders', o: { _id: 1 } },
          { op: 'd', ns: 'billing.invoices', o: { _id: 2 } },
        ],
      }),
      scope,
      new Set<string>(),
    );
    expect((mixed as { entry: Document }).entry.o.applyOps).toEqual([
      { op: 'i', ns: 'shop.orders', o: { _id: 1 } },
      { op: 'd', ns: 'billing.invoices', o: { _id: 2 } },
    ]);
  });
});

describe('an oplog of several databases replayed into their targets', () => {
  const inner = [
    { op: 'i', ns: 'shop.orders', o: { _id: 1 } },
    { op: 'c', ns: 'billing.$cmd', o: { create: 'fresh' } },
    { op: 'i', ns: 'billing.fresh', o: { _id: 2 } },
  ];

  it("rewrites each namespace to its database's target, inside applyOps and commands too", () => {
    const plan = new OplogReplayPlan(
      new Map([
        ['shop', 'scratch_shop'],
        ['billing', 'scratch_billing'],
      ]),
    );
    expect(plan.plan(entry(1, 'c', 'admin.$cmd', { applyOps: inner }))).toEqual([
      { op: 'i', ns: 'scratch_shop.orders', o: { _id: 1 } },
      { op: 'c', ns: 'scratch_billing.$cmd', o: { create: 'fresh' } },
      { op: 'i', ns: 'scratch_billing.fresh', o: { _id: 2 } },
    ]);
    expect(plan.plan(entry(2, 'c', 'billing.$cmd', { createIndexes: 'fresh', key: { a: 1 }, name: 'a_1' }))).toEqual([
      { op: 'c', ns: 'scratch_billing.$cmd', o: { createIndexes: 'fresh', key: { a: 1 }, name: 'a_1' } },
    ]);
  });

  it('replays only the chosen database when one is restored (source-database)', () => {
    const plan = new OplogReplayPlan(new Map([['billing', 'restored']]));
    expect(plan.plan(entry(1, 'c', 'admin.$cmd', { applyOps: inner }))).toEqual([
      { op: 'c', ns: 'restored.$cmd', o: { create: 'fresh' } },
      { op: 'i', ns: 'restored.fresh', o: { _id: 2 } },
    ]);
    expect(plan.plan(entry(2, 'c', 'shop.$cmd', { drop: 'orders' }))).toEqual([]);
    expect(plan.skipped).toBe(2);
  });

  it('keeps one catalog per database, its commands named db.collection in one list', () => {
    const id = { v: 2, key: { _id: 1 }, name: '_id_' };
    const catalogs = new OplogCatalogs((database) => ({ t_shop: 'shop', t_billing: 'billing' })[database]);
    catalogs.add('t_shop', [['orders', { options: {}, indexes: [id], type: 'collection' }]]);
    catalogs.add('t_billing', [['orders', { options: {}, indexes: [id], type: 'collection' }]]);
    catalogs.apply('t_billing.$cmd', { drop: 'orders' });
    expect(catalogs.apply('t_shop.$cmd', { createIndexes: 'orders', v: 2, key: { a: 1 }, name: 'a_1' })).toBe(
      undefined,
    );
    expect(catalogs.commands).toEqual(['drop billing.orders', 'createIndexes shop.orders (a_1)']);
    expect([...catalogs.databases.get('t_billing')!.collections.keys()]).toEqual([]);
    expect(
      catalogs.databases
        .get('t_shop')!
        .collections.get('orders')!
        .indexes.map((i) => i.name),
    ).toEqual(['_id_', 'a_1']);
  });
});

describe("an archive's oplog replayed into another database", () => {
  it('rewrites namespaces to the target and drops UUIDs, skipping no-ops and other databases', () => {
    const plan = new OplogReplayPlan(new Map([['shop', 'copy']]));
    const ui = new BSON.UUID('0123456789abcdef0123456789abcdef');
    expect(plan.plan(entry(1, 'i', 'shop.orders', { _id: 1 }, { ui }))).toEqual([
      { op: 'i', ns: 'copy.orders', o: { _id: 1 } },
    ]);
    expect(plan.plan(entry(1, 'u', 'shop.orders', { $v: 1, $set: { a: 1 } }, { o2: { _id: 1 } }))).toEqual([
      { op: 'u', ns: 'copy.orders', o: { $v: 1, $set: { a: 1 } }, o2: { _id: 1 } },
    ]);
    expect(plan.plan(entry(1, 'c', 'shop.$cmd', { drop: 'orders' }))).toEqual([
      { op: 'c', ns: 'copy.$cmd', o: { drop: 'orders' } },
    ]);
    expect(plan.plan(entry(1, 'c', 'shop.$cmd', { startIndexBuild: 'orders' }))).toEqual([]);
    expect(plan.plan(entry(1, 'n', '', { msg: 'periodic noop' }))).toEqual([]);
    expect(plan.plan(entry(1, 'i', 'other.orders', { _id: 1 }))).toEqual([]);
    expect(plan.skipped).toBe(2);
  });

  it('applies a transaction once it commits: large ones part by part, prepared ones at commitTransaction', () => {
    const plan = new OplogReplayPlan(new Map([['shop', 'copy']]));
    const txn = (n: number) => ({ lsid: { id: 'a' }, txnNumber: n });
    const insert = (id: number) => ({ op: 'i', ns: 'shop.orders', o: { _id: id } });
    const inserted = (id: number) => ({ op: 'i', ns: 'copy.orders', o: { _id: id } });
    // A small one: its operations at once.
    expect(plan.plan(entry(1, 'c', 'admin.$cmd', { applyOps: [insert(1), insert(2)] }, txn(1)))).toEqual([
      inserted(1),
      inserted(2),
    ]);
    // A large one: parts wait for the last.
    expect(plan.plan(entry(2, 'c', 'admin.$cmd', { applyOps: [insert(3)], partialTxn: true }, txn(2)))).toEqual([]);
    expect(plan.plan(entry(3, 'c', 'admin.$cmd', { applyOps: [insert(4)] }, txn(2)))).toEqual([
      inserted(3),
      inserted(4),
    ]);
    // A prepared one: at its commit; an aborted one never.
    expect(plan.plan(entry(4, 'c', 'admin.$cmd', { applyOps: [insert(5)], prepare: true }, txn(3)))).toEqual([]);
    expect(plan.plan(entry(5, 'c', 'admin.$cmd', { applyOps: [insert(6)], prepare: true }, txn(4)))).toEqual([]);
    expect(plan.openTransactions).toBe(2);
    expect(plan.plan(entry(6, 'c', 'admin.$cmd', { commitTransaction: 1 }, txn(3)))).toEqual([inserted(5)]);
    expect(plan.plan(entry(7, 'c', 'admin.$cmd', { abortTransaction: 1 }, txn(4)))).toEqual([]);
    expect(plan.openTransactions).toBe(0);
  });

  it('counts the large transactions left waiting for their last entry apart from prepared ones', () => {
    const plan = new OplogReplayPlan(new Map([['shop', 'copy']]));
    const txn = (n: number) => ({ lsid: { id: 'a' }, txnNumber: n });
    const insert = { op: 'i', ns: 'shop.orders', o: { _id: 1 } };
    expect(plan.plan(entry(1, 'c', 'admin.$cmd', { applyOps: [insert], partialTxn: true }, txn(1)))).toEqual([]);
    expect(plan.plan(entry(2, 'c', 'admin.$cmd', { applyOps: [insert], prepare: true }, txn(2)))).toEqual([]);
    expect(plan.plan(entry(3, 'c', 'admin.$cmd', { applyOps: [insert], partialTxn: true }, txn(3)))).toEqual([]);
    expect(plan.plan(entry(4, 'c', 'admin.$cmd', { applyOps: [], prepare: true }, txn(3)))).toEqual([]);
    expect(plan.openTransactions).toBe(3);
    expect(plan.unfinishedTransactions).toBe(1);
  });

  it('fails naming an entry mongorestore would not replay', () => {
    const plan = new OplogReplayPlan(new Map([['shop', 'copy']]));
    expect(() => plan.plan(entry(9, 'c', 'shop.$cmd', { renameCollection: 'shop.a', to: 'shop.b' }))).toThrow(
      'Cannot replay the oplog entry at 9:1 on shop.$cmd: the command renameCollection cannot be replayed',
    );
    expect(() => plan.plan(entry(9, 'x', 'shop.orders', {}))).toThrow('the operation kind x cannot be replayed');
  });
});

describe("the catalog an oplog's commands leave", () => {
  const id = { v: 2, key: { _id: 1 }, name: '_id_' };
  const ordersAsDumped = () => ({
    options: {},
    indexes: [id, { v: 2, key: { total: 1 }, name: 'total_1' }],
    type: 'collection',
  });
  const dumped = (orders = ordersAsDumped()) =>
    new OplogCatalog([
      ['orders', orders],
      ['old', { options: {}, indexes: [id], type: 'collection' }],
    ]);
  const indexNames = (catalog: OplogCatalog) =>
    Object.fromEntries([...catalog.collections].map(([name, meta]) => [name, meta.indexes.map((i) => i.name)]));

  it('follows create, drop, createIndexes and dropIndexes; index commands stay off the server until after the replay', () => {
    const catalog = dumped();
    expect(catalog.apply({ drop: 'old' })).toEqual({ drop: 'old' });
    expect(catalog.apply({ create: 'fresh', idIndex: id })).toEqual({ create: 'fresh', idIndex: id });
    expect(catalog.apply({ createIndexes: 'fresh', v: 2, key: { sku: 1 }, name: 'sku_1', unique: true })).toBe(
      undefined,
    );
    expect(catalog.apply({ createIndexes: 'orders', v: 2, key: { status: 1 }, name: 'status_1' })).toBe(undefined);
    expect(catalog.apply({ dropIndexes: 'orders', index: { total: 1 } })).toBe(undefined);
    expect(
      catalog.apply({
        commitIndexBuild: 'orders',
        indexBuildUUID: new BSON.UUID(),
        indexes: [{ v: 2, key: { day: -1 }, name: 'day_-1' }],
      }),
    ).toBe(undefined);
    expect(indexNames(catalog)).toEqual({ orders: ['_id_', 'status_1', 'day_-1'], fresh: ['_id_', 'sku_1'] });
    expect(catalog.collections.get('fresh')).toEqual({
      options: {},
      indexes: [id, { v: 2, key: { sku: 1 }, name: 'sku_1', unique: true }],
      type: 'collection',
    });
    expect(catalog.commands).toEqual([
      'drop old',
      'create fresh',
      'createIndexes fresh (sku_1)',
      'createIndexes orders (status_1)',
      'dropIndexes orders (total_1)',
      'commitIndexBuild orders (day_-1)',
    ]);
  });

  it("sends collMod's collection changes to the server and keeps its index changes for the index build", () => {
    const asDumped = ordersAsDumped();
    const catalog = dumped(asDumped);
    const validator = { total: { $gte: 0 } };
    expect(catalog.apply({ collMod: 'orders', validator, index: { name: 'total_1', hidden: true } })).toEqual({
      collMod: 'orders',
      validator,
    });
    expect(catalog.apply({ collMod: 'orders', index: { keyPattern: { total: 1 }, expireAfterSeconds: 60 } })).toBe(
      undefined,
    );
    const orders = catalog.collections.get('orders')!;
    expect(orders.options).toEqual({ validator });
    expect(orders.indexes[1]).toEqual({
      v: 2,
      key: { total: 1 },
      name: 'total_1',
      hidden: true,
      expireAfterSeconds: 60,
    });
    expect(catalog.commands).toEqual(['collMod orders (validator, index)', 'collMod orders (index)']);
    // The dumped metadata it started from (the manifest's collections and fingerprint) is left as it was.
    expect(asDumped).toEqual(ordersAsDumped());
  });

  it("a view's create has no indexes; dropIndexes '*' leaves _id_; dropDatabase empties it", () => {
    const catalog = dumped();
    catalog.apply({ create: 'recent', viewOn: 'orders', pipeline: [{ $limit: 5 }] });
    expect(catalog.collections.get('recent')).toEqual({
      options: { viewOn: 'orders', pipeline: [{ $limit: 5 }] },
      indexes: [],
      type: 'view',
    });
    catalog.apply({ dropIndexes: 'orders', index: '*' });
    expect(indexNames(catalog).orders).toEqual(['_id_']);
    catalog.apply({ dropDatabase: 1 });
    expect(catalog.collections.size).toBe(0);
  });
});
