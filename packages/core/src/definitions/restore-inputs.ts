import type { InputDefinition } from './types.js';

/** What `dbops restore` adds to the backup source and the target: how it may change the target, and how it restores. */
export const RESTORE_INPUTS: InputDefinition[] = [
  {
    name: 'clean',
    description:
      'Drop and replace the objects of a target that already holds tables. Without it such a target is refused.',
    default: 'false',
    type: 'boolean',
  },
  { name: 'force', description: 'The same as clean.', default: 'false', type: 'boolean' },
  {
    name: 'safety-backup',
    description: 'Back up a non-empty target before restoring over it.',
    default: 'true',
    type: 'boolean',
  },
  {
    name: 'safety-backup-to',
    description: 'Where the safety backup goes (default: the from location, under pre-restore/<name>).',
    type: 'string',
  },
  {
    name: 'no-owner',
    description: "Skip ownership and grants (when the source's roles do not exist on the target).",
    default: 'false',
    type: 'boolean',
  },
  {
    name: 'preserve-uuids',
    description:
      'MongoDB: create each collection with the UUID it had at backup time, as mongorestore --preserveUUID (needs applyOps: the restore role).',
    default: 'false',
    type: 'boolean',
  },
  {
    name: 'source-database',
    description:
      'MongoDB, a backup of several databases (databases, exclude-databases): the one of them to restore, into the database target-url names.',
    type: 'string',
  },
  {
    name: 'all-databases',
    description:
      'MongoDB, a backup of several databases: restore every one of them, each under its own name on the target-url server.',
    default: 'false',
    type: 'boolean',
  },
  {
    name: 'jobs',
    description: 'pg_restore parallel jobs (default: the cores, 2 to 8).',
    type: 'integer',
    min: 1,
    max: 64,
  },
];
