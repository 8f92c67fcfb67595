import { existsSync, readFileSync, statSync } from 'node:fs';
import { invalidInput } from '../errors.js';
import { parseIdentities } from '../crypto/age/index.js';
import { parseBackupId, parseBackupName } from '../manifest/layout.js';
import type { Decryption } from '../restore/fetch-archive.js';
import type { Secrets } from '../secrets.js';
import type { InputReader } from './read-inputs.js';
import { readS3Options, S3_INPUTS } from './storage-inputs.js';
import { readConnection } from './connection-inputs.js';
import type { InputDefinition, RunContext } from './types.js';

export const BACKUP_ID_INPUT: InputDefinition = {
  name: 'backup-id',
  description:
    "The backup to use; by default the newest complete one (never a restore's pre-restore/ safety backup unless name asks for it, nor one dated in the future).",
  type: 'string',
};
export const NAME_FILTER_INPUT: InputDefinition = {
  name: 'name',
  description: "Only backups filed under this catalog name (the backup action's name, by default the database name).",
  type: 'string',
};
export const DATABASE_FILTER_INPUT: InputDefinition = {
  name: 'database',
  description: 'Only backups of this database.',
  type: 'string',
};

/**
 * Where stored backups are (from, its S3 settings, the token for artifacts), with the selectors an action takes
 * (BACKUP_ID_INPUT, NAME_FILTER_INPUT, DATABASE_FILTER_INPUT) between from and the storage settings.
 */
export function backupSourceInputs(...selectors: InputDefinition[]): InputDefinition[] {
  return [
    {
      name: 'from',
      description: 'Where the backups are: s3://bucket/prefix or a local directory.',
      type: 'string',
      required: true,
      env: ['DBOPS_FROM'],
    },
    ...selectors,
    ...S3_INPUTS,
    {
      name: 'github-token',
      description:
        'Token that finds artifact://NAME backups of earlier workflow runs in this repository (needs actions: read).',
      type: 'string',
      secret: true,
      actionDefault: '${{ github.token }}',
    },
  ];
}

export const DECRYPTION_INPUTS: InputDefinition[] = [
  {
    name: 'decrypt-with',
    description: 'age identity (AGE-SECRET-KEY-1...), the content of an identity file, or a path to one.',
    type: 'string',
    secret: true,
    env: ['DBOPS_DECRYPT_WITH'],
  },
  {
    name: 'decrypt-passphrase',
    description: 'age passphrase, for backups encrypted with encrypt-passphrase.',
    type: 'string',
    secret: true,
    env: ['DBOPS_DECRYPT_PASSPHRASE'],
  },
];

/** from, and the optional name / database filters. */
export function readBackupFilter(reader: InputReader): { from: string; name?: string; database?: string } {
  const name = reader.optional('name');
  const database = reader.has('database') ? reader.optional('database') : undefined;
  return {
    from: reader.required('from', 's3://bucket/prefix or a directory path'),
    ...(name ? { name: parseBackupName(name) } : {}),
    ...(database ? { database } : {}),
  };
}

/** The filter plus an optional backup id. */
export function readBackupSelection(reader: InputReader): {
  from: string;
  backupId?: string;
  name?: string;
  database?: string;
} {
  const backupId = reader.optional('backup-id');
  return { ...readBackupFilter(reader), ...(backupId ? { backupId: parseBackupId(backupId) } : {}) };
}

export function readDecryption(reader: InputReader, secrets: Secrets): Decryption {
  let text = reader.optional('decrypt-with');
  if (text && !/AGE-SECRET-KEY-/i.test(text) && (existsSync(text) || looksLikePath(text))) {
    text = readIdentityFile(text);
    secrets.add(text);
  }
  const identities = text ? parseIdentities(text, 'decrypt-with') : [];
  for (const identity of identities) secrets.add(identity);
  const passphrase = reader.optional('decrypt-passphrase');
  return { identities, ...(passphrase ? { passphrase } : {}) };
}

/** One line, no spaces, with a slash or a leading dot: meant as a path (an identity never looks like that). */
function looksLikePath(text: string): boolean {
  return /^[^\s]+$/.test(text.trim()) && (text.includes('/') || text.startsWith('.'));
}

function readIdentityFile(file: string): string {
  const valid =
    'an age identity (AGE-SECRET-KEY-1...), the content of an identity file, or the path of a readable identity file';
  if (!existsSync(file)) throw invalidInput('decrypt-with', `names a file that does not exist: ${file}`, valid);
  if (statSync(file).isDirectory())
    throw invalidInput('decrypt-with', `names a directory, not an identity file: ${file}`, valid);
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw invalidInput(
      'decrypt-with',
      `names a file that cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): ${file}`,
      valid,
    );
  }
}

/** Everything restore and restore-test read alike: the backup, where it goes, how to decrypt it, pg_restore's settings. */
export async function readRestoreInputs(reader: InputReader, context: RunContext) {
  const jobs = reader.integer('jobs');
  const pgBinDir = reader.optional('pg-bin-dir');
  return {
    ...readBackupSelection(reader),
    s3: readS3Options(reader),
    ...(context.artifacts ? { artifacts: context.artifacts } : {}),
    target: await readConnection(reader, 'target-url'),
    decryption: readDecryption(reader, context.secrets),
    ...(jobs ? { jobs } : {}),
    ...(pgBinDir ? { pgBinDir } : {}),
    env: context.env,
    secrets: context.secrets,
    log: context.log,
    signal: context.signal,
  };
}
