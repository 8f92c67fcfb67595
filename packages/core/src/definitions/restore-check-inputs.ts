import { parseDuration } from '../duration.js';
import { engineForUrl } from '../databases/index.js';
import type { DatabaseTarget } from '../databases/engine.js';
import { parsePgTarget } from '../databases/postgres/target.js';
import type { RestoreTestOptions } from '../operations/restore-test.js';
import { readChecksFile } from '../restore/checks.js';
import type { InputReader } from './read-inputs.js';
import type { InputDefinition } from './types.js';

/** What a restore test proves beyond the restore itself: RPO, RTO, the user's checks, and what it leaves behind. */
export const RESTORE_CHECK_INPUTS: InputDefinition[] = [
  { name: 'max-age', description: 'Fail when the backup is older than this (the RPO), e.g. 26h.', type: 'duration' },
  {
    name: 'max-restore-time',
    description: 'Fail when fetching and restoring takes longer (the RTO), e.g. 15m.',
    type: 'duration',
  },
  {
    name: 'checks',
    description:
      'A checks file. PostgreSQL: a .sql file, "-- name: ..." then one query (run read-only) returning true or a non-zero count. MongoDB: a .json array of {"name", "collection", "pipeline", "expect"}, passing when the pipeline returns exactly the expected documents.',
    type: 'string',
  },
  {
    name: 'tombstones-from',
    description:
      "The live database (a URL of the backup's engine) whose tombstones of erased rows or documents (subject-erase, retention-purge erase rules) are replayed on the restored copy: an erased row in a backup taken after its erasure had completed fails the test; one taken before or during it is counted. Without it, the copy's own tombstones are replayed when it has them.",
    type: 'url',
    schemes: ['postgres', 'postgresql', 'mongodb', 'mongodb+srv'],
    secret: true,
  },
  {
    name: 'keep',
    description: 'Keep the scratch database after the test (to inspect it).',
    default: 'false',
    type: 'boolean',
  },
  {
    name: 'record',
    description:
      'When every check passes, write a verification record beside the manifest (rotation counts verified backups). Needs write access to from.',
    default: 'true',
    type: 'boolean',
  },
];

type CheckOptions = Pick<
  RestoreTestOptions,
  'maxAgeSeconds' | 'maxRestoreSeconds' | 'checks' | 'keep' | 'record' | 'tombstonesFrom'
>;

export async function readRestoreChecks(reader: InputReader): Promise<CheckOptions> {
  const maxAge = reader.optional('max-age');
  const maxRestoreTime = reader.optional('max-restore-time');
  const checksFile = reader.optional('checks');
  const tombstonesFrom = reader.optional('tombstones-from');
  return {
    ...(maxAge ? { maxAgeSeconds: parseDuration(maxAge, 'max-age') } : {}),
    ...(maxRestoreTime ? { maxRestoreSeconds: parseDuration(maxRestoreTime, 'max-restore-time') } : {}),
    checks: checksFile ? await readChecksFile(checksFile) : [],
    keep: reader.boolean('keep'),
    record: reader.boolean('record'),
    ...(tombstonesFrom
      ? {
          tombstonesFrom: await parseTombstonesFrom(tombstonesFrom, reader.env),
        }
      : {}),
  };
}

/** The live database of tombstones-from; MongoDB's URL parser is loaded only for its URLs (parse-target.ts). */
async function parseTombstonesFrom(url: string, env: NodeJS.ProcessEnv): Promise<DatabaseTarget> {
  if (engineForUrl(url, 'tombstones-from').name !== 'mongodb') return parsePgTarget({ url, env }, 'tombstones-from');
  const { parseMongoTarget } = await import('../databases/mongodb/parse-target.js');
  return parseMongoTarget(url, 'tombstones-from');
}
