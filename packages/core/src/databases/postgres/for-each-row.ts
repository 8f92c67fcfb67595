import pg from 'pg';

/**
 * Runs `sql` and hands each row to `onRow` as it arrives (an array of the row's values, parsed as client.query
 * parses them), without keeping it: node-postgres otherwise holds every row of a result until the query ends, which
 * for the catalog of 10,000 tables is tens of megabytes of Node's heap (bench/README.md, many tables: memory).
 * An error thrown by `onRow` fails the promise once the server has finished the query.
 */
export function forEachRow(client: pg.Client, sql: string, onRow: (row: unknown[]) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let failed: { error: unknown } | undefined;
    const query = new pg.Query({ text: sql, rowMode: 'array' } as pg.QueryConfig);
    query.on('row', (row: unknown[]) => {
      if (failed) return;
      try {
        onRow(row);
      } catch (error) {
        failed = { error };
      }
    });
    query.on('error', reject);
    query.on('end', () => (failed ? reject(failed.error) : resolve()));
    client.query(query);
  });
}
