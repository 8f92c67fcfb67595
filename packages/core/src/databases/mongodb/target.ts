import { readFileSync } from 'node:fs';
import { ConnectionString } from 'mongodb-connection-string-url';
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

/** Parses a mongodb:// or mongodb+srv:// URL with the parser the driver uses; errors never echo the URL. */
export function parseMongoTarget(url: string, urlInput = 'database-url', tlsCaFile?: string): MongoTarget {
  const trimmed = url.trim();
  if (!/^mongodb(\+srv)?:\/\//i.test(trimmed)) {
    throw invalidInput(
      urlInput,
      'is not a MongoDB connection URL (it must start with mongodb:// or mongodb+srv://)',
      URL_FORM,
    );
  }
  // The driver's own URL parser (mongodb-connection-string-url), without the driver: loading the driver is half of
  // dbops's start-up, and a URL is read by every command that takes one. The driver checks the options at connect.
  let parsed: ConnectionString;
  try {
    parsed = new ConnectionString(trimmed);
  } catch {
    throw invalidInput(urlInput, 'is not a valid MongoDB connection URL', URL_FORM);
  }
  const srv = parsed.isSRV;
  const hosts = parsed.hosts.map(hostAndPort);
  if (hosts.length === 0 || hosts.some((h) => h === undefined)) {
    throw invalidInput(urlInput, 'is not a valid MongoDB connection URL', URL_FORM);
  }
  const first = hosts[0]!;
  const database = pathDatabase(trimmed);
  if (!database) {
    throw invalidInput(urlInput, 'names no database (add it after the host: .../DATABASE)', URL_FORM);
  }
  const flag = (name: string) => /^true$/i.test(parsed.searchParams.get(name) ?? '');
  const caFile = tlsCaFile ?? parsed.searchParams.get('tlsCAFile') ?? undefined;
  return {
    engine: 'mongodb',
    url: trimmed,
    srv,
    host: first.host,
    port: srv ? 27017 : (first.port ?? 27017),
    database,
    user: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    tls: flag('tls') || flag('ssl') || srv,
    tlsCa: caFile ? readFileSync(caFile, 'utf8') : undefined,
    urlInput,
  };
}

/** "host:27018", "[::1]:27018" or "host" as host and port; undefined when it is neither (a port that is no number). */
function hostAndPort(text: string): { host: string; port?: number } | undefined {
  const found = /^(\[[^\]]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(text);
  if (!found || (found[2] && Number(found[2]) > 65535)) return undefined;
  return { host: found[1]!.replace(/^\[|\]$/g, ''), ...(found[2] ? { port: Number(found[2]) } : {}) };
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
