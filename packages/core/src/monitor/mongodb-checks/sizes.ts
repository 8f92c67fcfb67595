import type { CheckDefinition } from '../check.js';
import { commandsOf, type Doc, num, userCollections } from './access.js';

export const mongoDatabaseSize: CheckDefinition = {
  id: 'database-size',
  title: 'Database size',
  why: 'Size drives backup and restore time, disk headroom and cost; its growth per day tells when the disk fills.',
  action:
    'Plan disk capacity from the growth trend; archive or expire old documents (TTL indexes); compact collections that shrank.',
  unit: 'bytes',
  direction: 'above',
  async run(context) {
    const commands = commandsOf(context);
    const stats = await commands.command(commands.database, { dbStats: 1 });
    const storage = num(stats.storageSize) ?? 0;
    const indexes = num(stats.indexSize) ?? 0;
    // totalSize (MongoDB 4.4+) is storage and indexes on disk together.
    const bytes = num(stats.totalSize) ?? storage + indexes;
    context.sample.databaseBytes = bytes;
    return {
      observations: [
        {
          subject: `database ${commands.database}`,
          value: bytes,
          detail: `${num(stats.objects) ?? 0} documents in ${num(stats.collections) ?? 0} collections; data ${num(stats.dataSize) ?? 0} bytes, indexes ${indexes} bytes`,
        },
      ],
    };
  },
};

export const collectionSizes: CheckDefinition = {
  id: 'collection-sizes',
  title: 'Largest collections',
  why: 'The largest collections dominate backup, restore and index build time, and are where archiving pays most.',
  action: 'Archive or expire old documents in the largest collections (TTL indexes), and check their indexes.',
  unit: 'bytes',
  direction: 'above',
  params: { limit: { default: 10, unit: 'count', description: 'How many of the largest collections to list.' } },
  async run(context) {
    const commands = commandsOf(context);
    const sized = [];
    for (const name of await userCollections(commands)) {
      const [stats] = await commands.aggregate(commands.database, name, [{ $collStats: { storageStats: {} } }]);
      const storage = (stats?.storageStats ?? {}) as Doc;
      const bytes = num(storage.totalSize) ?? (num(storage.storageSize) ?? 0) + (num(storage.totalIndexSize) ?? 0);
      const qualified = `${commands.database}.${name}`;
      sized.push({
        subject: qualified,
        table: qualified,
        value: bytes,
        detail: `${num(storage.count) ?? 0} documents, indexes ${num(storage.totalIndexSize) ?? 0} bytes`,
      });
    }
    return { observations: sized.sort((a, b) => b.value - a.value).slice(0, context.param('limit')) };
  },
};
