import { invalidInput } from '../../errors.js';
import { OWN_PARAMETERS } from './service-file.js';

/**
 * The query parameters of a PostgreSQL URL that dbops applies: sslmode, sslrootcert, service and passfile with
 * libpq's meaning (target.ts), host, port, user and password as parts of the address.
 */
export const URL_PARAMETERS = [
  'sslmode',
  'sslrootcert',
  'service',
  'passfile',
  'host',
  'port',
  'user',
  'password',
] as const;

/** What to do instead, for libpq parameters that users write and dbops does not apply. */
const INSTEAD: Record<string, string> = {
  options: 'set the server settings for the role instead (ALTER ROLE name SET setting = value), or leave options out',
  connect_timeout: 'use the connect-timeout input instead',
  dbname: "put the database in the URL's path (postgres://host/DATABASE) or use the dbname input",
  ssl: 'use sslmode=require (or verify-ca / verify-full) instead',
};

/**
 * Refuses a URL parameter that dbops would not apply: libpq refuses an unknown one, and ignoring it would change
 * what the user asked for without a word (a typo such as sslmod=require would connect without TLS). `options`
 * (libpq's -c settings) is refused too: dbops's sessions and pg_dump's would not get it alike. Messages name the
 * parameter, never its value, and a name that does not look like one is not echoed (it may be part of a password).
 */
export function checkUrlParameters(url: string, input: string): void {
  const at = url.indexOf('?');
  if (at === -1) return;
  const accepted = `the parameters dbops accepts: ${URL_PARAMETERS.join(', ')}`;
  for (const name of new URLSearchParams(url.slice(at + 1)).keys()) {
    if ((URL_PARAMETERS as readonly string[]).includes(name) || OWN_PARAMETERS.has(name)) continue;
    if (!/^[a-z_]{1,40}$/.test(name)) {
      throw invalidInput(input, 'has a query parameter that is not name=value', accepted);
    }
    if (name === 'options') {
      throw invalidInput(input, "has the parameter 'options', which dbops does not apply", INSTEAD[name]!);
    }
    const instead = INSTEAD[name];
    throw invalidInput(input, `has an unknown parameter '${name}'`, instead ? `${instead}; ${accepted}` : accepted);
  }
}
