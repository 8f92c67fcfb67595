import type { CheckDefinition } from '../check.js';
import { commandsOf, type Doc, num, userCollections } from './access.js';

export const mongoUnusedIndexes: CheckDefinition = {
  id: 'unused-indexes',
  title: 'Unused indexes',
  why: 'An index no query uses still costs memory in the cache, disk, and time on every write.',
  action:
    'Confirm with $indexStats on every member (counts reset at restart and are per member), then hide the index (hideIndex) before dropping it.',
  unit: 'bytes',
  direction: 'above',
  warning: 1024 * 1024,
  async run(context) {
    const commands = commandsOf(context);
    const observations = [];
    for (const name of await userCollections(commands)) {
      const usage = await commands.aggregate(commands.database, name, [{ $indexStats: {} }]);
      const unused = usage.filter((i) => i.name !== '_id_' && num((i.accesses as Doc | undefined)?.ops) === 0);
      if (unused.length === 0) continue;
      const stats = await commands.command(commands.database, { collStats: name });
      const sizes = (stats.indexSizes ?? {}) as Doc;
      const qualified = `${commands.database}.${name}`;
      for (const index of unused) {
        const since = (index.accesses as Doc).since;
        observations.push({
          subject: `${qualified} ${String(index.name)}`,
          table: qualified,
          value: num(sizes[String(index.name)]) ?? 0,
          detail: `no use since ${since instanceof Date ? since.toISOString() : String(since)}; key ${JSON.stringify(index.key)}`,
        });
      }
    }
    return { observations };
  },
};
