// A real retention-purge (not a dry run) on a MongoDB database with a policy text: the policy is written to
// `<dir>/<database>.yml` (its name names the receipt chain) and receipts go to `<dir>/receipts-<database>`.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type DataRetentionOptions, dataRetention } from '../../packages/core/src/operations/data-retention.js';
import { parseMongoTarget } from '../../packages/core/src/databases/mongodb/parse-target.js';
import { silentLogger } from '../../packages/core/src/log.js';
import { Secrets } from '../../packages/core/src/secrets.js';
import type { MongoServer } from './mongo.js';

export async function purgeMongo(
  server: MongoServer,
  dir: string,
  database: string,
  policy: string,
  options: Partial<DataRetentionOptions> & { now: Date },
) {
  const policyPath = join(dir, `${database}.yml`);
  await writeFile(policyPath, policy);
  return dataRetention({
    policyPath,
    target: parseMongoTarget(server.url(database)),
    dryRun: false,
    receiptsTo: join(dir, `receipts-${database}`),
    backupGraceSeconds: 3600,
    secrets: new Secrets(),
    log: silentLogger,
    ...options,
  });
}
