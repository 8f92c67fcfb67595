import { readFileSync } from 'node:fs';
import { MongoClient } from 'mongodb';
import { DbopsError, invalidInput } from '../../errors.js';
import type { DatabaseTarget } from '../engine.js';

/** Where and how to connect to MongoDB, parsed once (issue 15 step 1): the MongoDB engine's DatabaseTarget. */
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
}

const URL_FORM =
  'mongodb://USER:PASSWORD@HOST:27017/DATABASE?authSource=admin or mongodb+srv://USER:PASSWORD@CLUSTER/DATABASE ' +
  '(percent-encode special characters in the password: @ → %40, / → %2F, : → %3A, % → %25)';

/** Parses a mongodb:// or mongodb+srv:// URL with the driver's own parser; errors never echo the URL. */
export function parseMongoTarget(url: string, urlInput = 'database-url', tlsCaFile?: string): MongoTarget {
  const trimmed = url.trim();
  if (!/^mongodb(\+srv)?:\/\//i.test(trimmed)) {
    throw invalidInput(
      urlInput,
      'is not a MongoDB connection URL (it must start with mongodb:// or mongodb+srv://)',
      URL_FORM,
    );
  }
  let client: MongoClient;
  try {
    // The constructor parses and validates the connection string without connecting.
    client = new MongoClient(trimmed);
  } catch {
    throw invalidInput(urlInput, 'is not a valid MongoDB connection URL', URL_FORM);
  }
  const options = client.options;
  const first = options.hosts[0];
  const srv = /^mongodb\+srv:/i.test(trimmed);
  const database = options.dbName && options.dbName !== 'test' ? options.dbName : pathDatabase(trimmed);
  if (!database) {
    throw invalidInput(urlInput, 'names no database (add it after the host: .../DATABASE)', URL_FORM);
  }
  const caFile = tlsCaFile ?? options.tlsCAFile;
  return {
    engine: 'mongodb',
    url: trimmed,
    srv,
    host: srv ? (options.srvHost ?? '') : (first?.host ?? first?.toString() ?? ''),
    port: srv ? 27017 : (first?.port ?? 27017),
    database,
    user: options.credentials?.username || undefined,
    password: options.credentials?.password || undefined,
    tls: Boolean(options.tls) || srv,
    tlsCa: caFile ? readFileSync(caFile, 'utf8') : undefined,
    urlInput,
  };
}

function pathDatabase(url: string): string {
  const path = /^[^:]+:\/\/[^/?]*\/([^?]*)/.exec(url)?.[1] ?? '';
  return decodeURIComponent(path);
}

/** "user@host:port/database", for people; never the password. */
export function describeMongoTarget(target: MongoTarget): string {
  const user = target.user ? `${target.user}@` : '';
  const where = target.srv ? target.host : `${target.host}:${target.port}`;
  return `${user}${where}/${target.database}`;
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
