import { readFileSync } from 'node:fs';
import { parse as parseConnectionString } from 'pg-connection-string';
import { DbopsError, invalidInput } from '../../errors.js';
import { checkUrlAuthority } from '../../url-authority.js';
import { passfilePassword, passfilePath } from './passfile.js';
import { serviceParameters, type ServiceParameters } from './service-file.js';
import type { DatabaseTarget } from '../engine.js';
import { checkUrlParameters, PRISMA_PARAMETERS } from './url-parameters.js';

export const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

/** Where and how to connect: everything libpq and node-postgres need, parsed and validated once. */
export interface PgTarget extends DatabaseTarget {
  readonly engine: 'postgresql';
  host: string;
  port: number;
  database: string;
  user: string;
  password?: string;
  sslMode: SslMode;
  /** PEM text of the CA that signs the server certificate (verify-ca / verify-full). */
  sslRootCert?: string;
  connectTimeoutSeconds: number;
  statementTimeoutMs: number;
  /**
   * Prisma's parameters from the URL (schema, connection_limit, pgbouncer...): not applied to dbops's sessions,
   * kept for what runs Prisma (the migration command's DATABASE_URL) and for the schema its history table is in.
   */
  prismaParameters?: Record<string, string>;
  /** The input the connection URL comes from (database-url, target-url), which connection errors name. */
  urlInput?: string;
}

export interface PgTargetInput {
  url?: string;
  host?: string;
  port?: string;
  database?: string;
  user?: string;
  password?: string;
  /** A password from the environment (PGPASSWORD): used only when neither the URL nor a service has one. */
  fallbackPassword?: string;
  sslMode?: string;
  /** A path to a PEM file, or the PEM text itself. */
  sslRootCert?: string;
  connectTimeoutSeconds?: number;
  statementTimeoutMs?: number;
  /**
   * The environment libpq would read its files from: PGSERVICE, PGSERVICEFILE, PGSYSCONFDIR, PGPASSFILE, HOME (for
   * ~/.pg_service.conf and ~/.pgpass). Without it, no service or password file is read.
   */
  env?: NodeJS.ProcessEnv;
}

const URL_FORM =
  'postgres://USER:PASSWORD@HOST:5432/DATABASE?sslmode=require (percent-encode special characters in the password: @ → %40, # → %23, / → %2F, ? → %3F, : → %3A, % → %25)';

/**
 * Builds a target from a URL and/or discrete parameters, as libpq would: discrete parameters override the URL's
 * parts, which override a connection service's (the URL's service parameter, or PGSERVICE), which override
 * defaults; without a password from any of them, the password file (passfile, PGPASSFILE, ~/.pgpass) is read. The
 * result is complete, so dbops's own session and its child processes connect alike. `urlInput` names the input the
 * URL came from, so errors point at it. Errors never echo the URL (it holds a password).
 */
export function parsePgTarget(input: PgTargetInput, urlInput = 'database-url'): PgTarget {
  const env = input.env ?? {};
  let fromUrl: Partial<ReturnType<typeof parseConnectionString>> = {};
  let fromQuery: UrlParameters = {};
  let fromPrisma: Record<string, string> = {};
  if (input.url !== undefined && input.url.trim() !== '') {
    const trimmed = input.url.trim();
    if (!/^postgres(ql)?:\/\//i.test(trimmed)) {
      throw invalidInput(
        urlInput,
        'is not a PostgreSQL connection URL (it must start with postgres:// or postgresql://)',
        URL_FORM,
      );
    }
    // libpq ends the password at the first '@': one more is refused, not read differently by pg_dump and node-pg.
    checkUrlAuthority(trimmed, urlInput, { form: 'postgres://USER:PASSWORD@HOST:5432/DATABASE?sslmode=require' });
    checkUrlParameters(trimmed, urlInput);
    const { url, taken, prisma } = takeParameters(trimmed);
    fromQuery = taken;
    fromPrisma = prisma;
    try {
      fromUrl = parseConnectionString(url);
    } catch {
      throw invalidInput(urlInput, 'could not be parsed as a URL', URL_FORM);
    }
  } else if (!input.host && !input.database && !env.PGSERVICE) {
    throw invalidInput(
      urlInput,
      'is required',
      `${URL_FORM}, or the inputs host, port, dbname, user and password, or a connection service (PGSERVICE)`,
    );
  }
  const serviceName = fromQuery.service || env.PGSERVICE;
  const service: ServiceParameters = serviceName
    ? serviceParameters(serviceName, fromQuery.service ? `the service parameter of ${urlInput}` : 'PGSERVICE', env)
    : {};

  const host = input.host || fromUrl.host || service.host || 'localhost';
  const portText = input.port || fromUrl.port || service.port || '5432';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) {
    throw invalidInput(
      input.port ? 'port' : fromUrl.port ? urlInput : 'PGSERVICE',
      `has an invalid port '${portText}'`,
      'a port number from 1 to 65535',
    );
  }
  const database = input.database || fromUrl.database || service.dbname || '';
  if (!database)
    throw invalidInput(input.url ? urlInput : 'dbname', 'names no database', `${URL_FORM}, or the dbname input`);
  const user = input.user || fromUrl.user || service.user || '';
  if (!user) throw invalidInput(input.url ? urlInput : 'user', 'names no user', `${URL_FORM}, or the user input`);

  const sslModeText = (input.sslMode || fromQuery.sslmode || service.sslmode || 'prefer').toLowerCase();
  if (!(SSL_MODES as readonly string[]).includes(sslModeText)) {
    throw invalidInput('sslmode', `has an unknown value '${sslModeText}'`, `one of ${SSL_MODES.join(', ')}`);
  }
  const sslMode = sslModeText as SslMode;
  const rootCertSource = input.sslRootCert || fromQuery.sslrootcert || service.sslrootcert;
  const sslRootCert = rootCertSource ? readPem(rootCertSource) : undefined;
  if (sslMode === 'verify-ca' && !sslRootCert) {
    throw invalidInput(
      'ssl-root-cert',
      `is required with sslmode=${sslMode}`,
      'the CA certificate as PEM text or a path to a PEM file',
    );
  }

  const password =
    input.password ||
    fromUrl.password ||
    service.password ||
    input.fallbackPassword ||
    passwordFromFile(passfilePath(fromQuery.passfile || service.passfile, env), { host, port, database, user });
  return {
    engine: 'postgresql',
    host,
    port,
    database,
    user,
    ...(password ? { password } : {}),
    sslMode,
    ...(sslRootCert ? { sslRootCert } : {}),
    ...(Object.keys(fromPrisma).length > 0 ? { prismaParameters: fromPrisma } : {}),
    connectTimeoutSeconds: input.connectTimeoutSeconds ?? serviceConnectTimeout(service) ?? 10,
    statementTimeoutMs: input.statementTimeoutMs ?? 0,
    urlInput,
  };
}

/** URL parameters that dbops applies itself, with libpq's meaning. */
const TAKEN_PARAMETERS = ['sslmode', 'sslrootcert', 'service', 'passfile'] as const;
type UrlParameters = Partial<Record<(typeof TAKEN_PARAMETERS)[number], string>>;

/**
 * Takes sslmode, sslrootcert, service and passfile out of the URL: dbops applies them with libpq's meaning
 * (sslConfig, serviceParameters, passfilePassword), while pg-connection-string would read the certificate file
 * itself (failing as "cannot parse") and print a warning about its own, different meaning of sslmode=require.
 * Prisma's parameters are taken out too: they are Prisma's, not the pg library's.
 */
function takeParameters(url: string): { url: string; taken: UrlParameters; prisma: Record<string, string> } {
  const at = url.indexOf('?');
  if (at === -1) return { url, taken: {}, prisma: {} };
  const query = new URLSearchParams(url.slice(at + 1));
  const prismaNames = Object.keys(PRISMA_PARAMETERS);
  if (![...TAKEN_PARAMETERS, ...prismaNames].some((name) => query.has(name))) return { url, taken: {}, prisma: {} };
  const taken: UrlParameters = {};
  for (const name of TAKEN_PARAMETERS) {
    if (query.get(name)) taken[name] = query.get(name)!;
    query.delete(name);
  }
  const prisma: Record<string, string> = {};
  for (const name of prismaNames) {
    if (query.has(name)) prisma[name] = query.get(name)!;
    query.delete(name);
  }
  const rest = query.toString();
  return { url: `${url.slice(0, at)}${rest ? `?${rest}` : ''}`, taken, prisma };
}

function passwordFromFile(file: string | undefined, key: Parameters<typeof passfilePassword>[1]): string | undefined {
  return file ? passfilePassword(file, key) : undefined;
}

function serviceConnectTimeout(service: ServiceParameters): number | undefined {
  if (service.connect_timeout === undefined) return undefined;
  const seconds = Number(service.connect_timeout);
  if (!/^\d+$/.test(service.connect_timeout) || seconds < 1 || seconds > 600) {
    throw invalidInput(
      'PGSERVICE',
      `sets connect_timeout to '${service.connect_timeout}'`,
      'a whole number of seconds from 1 to 600 in the service file',
    );
  }
  return seconds;
}

function readPem(source: string): string {
  if (source.includes('-----BEGIN')) return source;
  try {
    return readFileSync(source, 'utf8');
  } catch {
    throw invalidInput(
      'ssl-root-cert',
      `names a file that cannot be read (${source})`,
      'the CA certificate as PEM text or a readable path to a PEM file',
    );
  }
}

/** "user@host:port/database": how a target is shown to people. Never includes the password. */
export function describeTarget(target: PgTarget): string {
  return `${target.user}@${target.host}:${target.port}/${target.database}`;
}

/** A copy of the target pointing at another database on the same server. */
export function withDatabase(target: PgTarget, database: string): PgTarget {
  return { ...target, database };
}

/** The engine interface hands over targets of any engine: this one must be PostgreSQL's. */
export function asPgTarget(target: DatabaseTarget): PgTarget {
  if (target.engine !== 'postgresql') {
    throw new DbopsError('INTERNAL', `A ${target.engine} target reached the PostgreSQL engine`);
  }
  return target as PgTarget;
}
