import { invalidInput } from '../errors.js';
import { parseDuration } from '../duration.js';
import { hasKeepRule, type RetentionPolicy } from '../retention/policy.js';
import type { InputReader } from './read-inputs.js';
import type { InputDefinition } from './types.js';

/** restic-style keep rules, shared by backup (rotation after a backup) and retention-purge. */
export const RETENTION_INPUTS: InputDefinition[] = [
  { name: 'keep-last', description: 'Keep the n newest backups.', type: 'integer', min: 0 },
  {
    name: 'keep-hourly',
    description: 'Keep the newest backup of each of the last n hours that have one.',
    type: 'integer',
    min: 0,
  },
  {
    name: 'keep-daily',
    description: 'Keep the newest backup of each of the last n days that have one (UTC).',
    type: 'integer',
    min: 0,
  },
  {
    name: 'keep-weekly',
    description: 'Keep the newest backup of each of the last n ISO weeks that have one.',
    type: 'integer',
    min: 0,
  },
  {
    name: 'keep-monthly',
    description: 'Keep the newest backup of each of the last n months that have one.',
    type: 'integer',
    min: 0,
  },
  {
    name: 'keep-yearly',
    description: 'Keep the newest backup of each of the last n years that have one.',
    type: 'integer',
    min: 0,
  },
  {
    name: 'keep-within',
    description: 'Keep every backup taken within this long before the newest one, e.g. 3d.',
    type: 'duration',
  },
  {
    name: 'keep-min-verified',
    description: 'Delete a backup only while at least this many newer backups that passed a restore test are kept.',
    default: '0',
    type: 'integer',
    min: 0,
  },
  {
    name: 'grace-period',
    description:
      'Objects without a manifest younger than this may still be uploading and are left alone; older ones are deleted as leftovers, as are uploads a killed run left unfinished (temp files, S3 multipart uploads). Make it longer than a backup takes: an S3 multipart object is dated when its upload began.',
    default: '24h',
    type: 'duration',
  },
];

const COUNT_RULES = ['keep-last', 'keep-hourly', 'keep-daily', 'keep-weekly', 'keep-monthly', 'keep-yearly'] as const;

export function readRetentionPolicy(reader: InputReader): {
  policy: RetentionPolicy;
  graceSeconds: number;
  any: boolean;
} {
  const counts = COUNT_RULES.map((rule) => reader.integer(rule) ?? 0);
  const within = reader.optional('keep-within');
  const minVerified = reader.integer('keep-min-verified') ?? 0;
  const [last, hourly, daily, weekly, monthly, yearly] = counts as [number, number, number, number, number, number];
  const policy: RetentionPolicy = {
    last,
    hourly,
    daily,
    weekly,
    monthly,
    yearly,
    minVerified,
    ...(within ? { withinSeconds: parseDuration(within, 'keep-within') } : {}),
  };
  if (policy.withinSeconds !== undefined && policy.withinSeconds <= 0)
    throw invalidInput('keep-within', `'${within}' keeps nothing`, 'a positive duration, e.g. 3d');
  const graceSeconds = parseDuration(reader.optional('grace-period')!, 'grace-period');
  // An object without a manifest may be a backup still verifying its upload: never treat it as abandoned too soon.
  if (graceSeconds < 3600)
    throw invalidInput('grace-period', 'is shorter than an hour', 'a duration of 1h or more, e.g. 24h');
  return { policy, graceSeconds, any: hasKeepRule(policy) };
}
