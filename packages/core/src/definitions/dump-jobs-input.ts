import type { BackupOptions } from '../operations/backup.js';
import type { InputReader } from './read-inputs.js';
import type { InputDefinition } from './types.js';

/** backup's parallel dump (docs/parallel-backups.md). */
export const DUMP_JOBS_INPUT: InputDefinition = {
  name: 'jobs',
  description:
    "Parallel dump jobs, 1-64. Above 1, pg_dump's directory format with -j: each table is written to TMPDIR, then stored as a part of the backup (docs/parallel-backups.md). 1 (the default) streams one archive.",
  type: 'integer',
  min: 1,
  max: 64,
};

export function readDumpJobs(reader: InputReader): Pick<BackupOptions, 'jobs'> {
  const jobs = reader.integer('jobs');
  return jobs === undefined ? {} : { jobs };
}
