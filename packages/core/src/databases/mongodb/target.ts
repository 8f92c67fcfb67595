import { DbopsError } from '../../errors.js';
import type { DatabaseTarget } from '../engine.js';

/**
 * Where and how to connect to MongoDB, parsed once (parse-target.ts, issue 15 step 1): the MongoDB engine's
 * DatabaseTarget.
 */
export interface MongoTarget extends DatabaseTarget {
  readonly engine: 'mongodb';
  /** The URL as given: the driver connects with it (it may hold the password, so it is never printed). */
  url: string;
  srv: boolean;
  host: string;
  port: number;
  database: string;
  user?: string;
  /** Registered as a secret by every operation (invariant 5). */
  password?: string;
  tls: boolean;
  /** PEM text of the CA that signs the server certificate. */
  tlsCa?: string;
  urlInput?: string;
  /**
   * A restore of a backup of several databases (restore-databases.ts): each of the backup's databases restored, and
   * the database it goes into. Absent: the backup's one database goes into `database`.
   */
  databases?: readonly RestoredDatabase[];
}

/** One database of a backup of several and the database of the target it is restored into. */
export interface RestoredDatabase {
  /** Its name in the backup. */
  from: string;
  to: string;
}

/** "user@host:port/database", for people; never the password. */
export function describeMongoTarget(target: MongoTarget): string {
  const user = target.user ? `${target.user}@` : '';
  const where = target.srv ? target.host : `${target.host}:${target.port}`;
  const several = target.databases && target.databases.length > 1;
  if (several) return `${user}${where} (databases ${target.databases!.map((d) => d.to).join(', ')})`;
  return `${user}${where}/${target.databases?.[0]?.to ?? target.database}`;
}

/** The MongoDB target behind a DatabaseTarget the operations hand over (engineFor chose this engine by it). */
export function asMongoTarget(target: DatabaseTarget): MongoTarget {
  if (target.engine !== 'mongodb' || typeof (target as Partial<MongoTarget>).url !== 'string') {
    throw new DbopsError('INTERNAL', `The MongoDB engine was handed a ${target.engine} target`, {
      hint: 'This is a bug in dbops; please report it.',
    });
  }
  return target as MongoTarget;
}
