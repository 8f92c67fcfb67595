import { readFileSync } from 'node:fs';
import { parse as parseConnectionString } from 'pg-connection-string';
import { invalidInput } from '../../errors.js';
import { checkUrlAuthority } from '../../url-authority.js';

export const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

/** Where and how to connect: everything libpq and node-postgres need, parsed and validated once. */
export interface PgTarget {
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
  sslMode?: string;
  /** A path to a PEM file, or the PEM text itself. */
  sslRootCert?: string;
  connectTimeoutSeconds?: number;
  statementTimeoutMs?: number;
}

const URL_FORM = 'postgres://USER:PASSWORD@HOST:5432/DATABASE?sslmode=require (percent-encode special characters in the password: @ → %40, # → %23, / → %2F, ? → %3F, : → %3A, % → %25)';

/**
 * Builds a target from a URL and/or discrete parameters; discrete parameters override the URL's parts.
 * `urlInput` names the input the URL came from, so errors point at it. Errors never echo the URL (it holds a password).
 */
export function parsePgTarget(input: PgTargetInput, urlInput = 'database-url'): PgTarget {
  let fromUrl: Partial<ReturnType<typeof parseConnectionString>> = {};
  let urlTls: { sslmode?: string; sslrootcert?: string } = {};
  if (input.url !== undefined && input.url.trim() !== '') {
    const trimmed = input.url.trim();
    if (!/^postgres(ql)?:\/\//i.test(trimmed)) {
      throw invalidInput(urlInput, 'is not a PostgreSQL connection URL (it must start with postgres:// or postgresql://)', URL_FORM);
    }
    // libpq ends the password at the first '@': one more is refused, not read differently by pg_dump and node-pg.
    checkUrlAuthority(trimmed, urlInput, { form: 'postgres://USER:PASSWORD@HOST:5432/DATABASE?sslmode=require' });
    const { url, tls } = takeTlsParameters(trimmed);
    urlTls = tls;
    try {
      fromUrl = parseConnectionString(url);
    } catch {
      throw invalidInput(urlInput, 'could not be parsed as a URL', URL_FORM);
    }
  } else if (!input.host && !input.database) {
    throw invalidInput(urlInput, 'is required', `${URL_FORM}, or the inputs host, port, dbname, user and password`);
  }

  const host = input.host || fromUrl.host || 'localhost';
  const portText = input.port || fromUrl.port || '5432';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw invalidInput(input.port ? 'port' : urlInput, `has an invalid port '${portText}'`, 'a port number from 1 to 65535');
  }
  const database = input.database || fromUrl.database || '';
  if (!database) throw invalidInput(input.url ? urlInput : 'dbname', 'names no database', `${URL_FORM}, or the dbname input`);
  const user = input.user || fromUrl.user || '';
  if (!user) throw invalidInput(input.url ? urlInput : 'user', 'names no user', `${URL_FORM}, or the user input`);

  const sslModeText = (input.sslMode || urlTls.sslmode || 'prefer').toLowerCase();
  if (!(SSL_MODES as readonly string[]).includes(sslModeText)) {
    throw invalidInput('sslmode', `has an unknown value '${sslModeText}'`, `one of ${SSL_MODES.join(', ')}`);
  }
  const sslMode = sslModeText as SslMode;
  const rootCertSource = input.sslRootCert || urlTls.sslrootcert;
  const sslRootCert = rootCertSource ? readPem(rootCertSource) : undefined;
  if (sslMode === 'verify-ca' && !sslRootCert) {
    throw invalidInput('ssl-root-cert', `is required with sslmode=${sslMode}`, 'the CA certificate as PEM text or a path to a PEM file');
  }

  const password = input.password || fromUrl.password || undefined;
  return {
    host,
    port,
    database,
    user,
    ...(password ? { password } : {}),
    sslMode,
    ...(sslRootCert ? { sslRootCert } : {}),
    connectTimeoutSeconds: input.connectTimeoutSeconds ?? 10,
    statementTimeoutMs: input.statementTimeoutMs ?? 0,
    urlInput,
  };
}

/**
 * Takes sslmode and sslrootcert out of the URL: dbops applies them with libpq's meaning (sslConfig), while
 * pg-connection-string would read the certificate file itself (failing as "cannot parse") and print a warning
 * about its own, different meaning of sslmode=require.
 */
function takeTlsParameters(url: string): { url: string; tls: { sslmode?: string; sslrootcert?: string } } {
  const at = url.indexOf('?');
  if (at === -1) return { url, tls: {} };
  const query = new URLSearchParams(url.slice(at + 1));
  const tls = { ...(query.get('sslmode') ? { sslmode: query.get('sslmode')! } : {}), ...(query.get('sslrootcert') ? { sslrootcert: query.get('sslrootcert')! } : {}) };
  if (!query.has('sslmode') && !query.has('sslrootcert')) return { url, tls };
  query.delete('sslmode');
  query.delete('sslrootcert');
  const rest = query.toString();
  return { url: `${url.slice(0, at)}${rest ? `?${rest}` : ''}`, tls };
}

function readPem(source: string): string {
  if (source.includes('-----BEGIN')) return source;
  try {
    return readFileSync(source, 'utf8');
  } catch {
    throw invalidInput('ssl-root-cert', `names a file that cannot be read (${source})`, 'the CA certificate as PEM text or a readable path to a PEM file');
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
