// The MongoDB fingerprint and collection name patterns (databases/mongodb/fingerprint.ts, inventory.ts): no server.
import { BSON } from 'mongodb';
import { mongoFingerprint } from '../../packages/core/src/databases/mongodb/fingerprint.js';
import { globPattern, type CollectionInventory } from '../../packages/core/src/databases/mongodb/inventory.js';

function collection(name: string, fields: Partial<CollectionInventory['metadata']> = {}): CollectionInventory {
  return {
    name,
    metadata: {
      options: {},
      indexes: [{ v: new BSON.Int32(2), key: { _id: new BSON.Int32(1) }, name: '_id_' }],
      type: 'collection',
      ...fields,
    },
    documents: 10,
    bytes: 100,
  };
}

describe('mongoFingerprint', () => {
  const base = [
    collection('users', {
      indexes: [
        { v: new BSON.Int32(2), key: { _id: new BSON.Int32(1) }, name: '_id_' },
        { v: new BSON.Int32(2), key: { email: new BSON.Int32(1) }, name: 'email_1', unique: true },
      ],
      uuid: '0123456789abcdef0123456789abcdef',
    }),
    collection('log', { options: { capped: true, size: new BSON.Int32(4096) } }),
  ];

  test('is the same whatever the order of collections and indexes, counts, index versions, ns and UUIDs', () => {
    const other = [
      collection('log', { options: { capped: true, size: new BSON.Int32(4096) } }),
      collection('users', {
        indexes: [
          { v: new BSON.Int32(1), ns: 'shop.users', key: { email: new BSON.Int32(1) }, unique: true, name: 'email_1' },
          { key: { _id: new BSON.Int32(1) }, name: '_id_' },
        ],
        uuid: 'ffffffffffffffffffffffffffffffff',
      }),
    ].map((c) => ({ ...c, documents: 999, bytes: 1 }));
    expect(mongoFingerprint(other)).toEqual(mongoFingerprint(base));
  });

  test('changes in the part that changed: an index, an option, a validator, a view', () => {
    const before = mongoFingerprint(base);
    const changed = (collections: CollectionInventory[]) => {
      const after = mongoFingerprint(collections);
      expect(after.digest).not.toBe(before.digest);
      return Object.keys(after.parts).filter((p) => after.parts[p as 'tables'] !== before.parts[p as 'tables']);
    };
    const [users, log] = base as [CollectionInventory, CollectionInventory];
    const withoutUnique = {
      ...users,
      metadata: { ...users.metadata, indexes: [users.metadata.indexes[0]!, { key: { email: 1 }, name: 'email_1' }] },
    };
    expect(changed([withoutUnique, log])).toEqual(['indexes']);
    const bigger = { ...log, metadata: { ...log.metadata, options: { capped: true, size: new BSON.Int32(8192) } } };
    expect(changed([users, bigger])).toEqual(['tables']);
    const validated = {
      ...log,
      metadata: { ...log.metadata, options: { ...log.metadata.options, validator: { a: 1 } } },
    };
    expect(changed([users, validated])).toEqual(['constraints']);
    const view = collection('recent', { type: 'view', indexes: [], options: { viewOn: 'log', pipeline: [] } });
    expect(changed([users, log, view]).sort()).toEqual(['tables', 'views']);
  });

  test('an Int32 and a Double of the same value differ (BSON types are part of the schema)', () => {
    const double = collection('log', { options: { capped: true, size: new BSON.Double(4096) } });
    expect(mongoFingerprint([double]).parts.tables).not.toBe(mongoFingerprint([base[1]!]).parts.tables);
  });
});

describe('globPattern', () => {
  test.each([
    ['events.*', 'events.2026', true],
    ['events.*', 'eventsX2026', false],
    ['événements.*', 'événements.2026', true],
    ['u?ers', 'users', true],
    ['users', 'users2', false],
    ['a+b', 'a+b', true],
    ['a+b', 'aab', false],
  ])('%s matches %s: %s', (pattern, name, matches) => {
    expect(globPattern(pattern).test(name)).toBe(matches);
  });
});
