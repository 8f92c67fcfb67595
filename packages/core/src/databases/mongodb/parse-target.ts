/**
 * A mongodb:// or mongodb+srv:// URL read into a MongoTarget, with the URL parser the driver uses. A module of its
 * own, imported only when a URL is MongoDB's: the parser brings WHATWG URL's Unicode tables (tr46, 0.3 MB), which a
 * PostgreSQL run need not compile.
 */
import { readFileSync } from 'node:fs';
import { ConnectionString } from 'mongodb-connection-string-url';
import { invalidInput } from '../../errors.js';
import type { MongoTarget } from './target.js';

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
