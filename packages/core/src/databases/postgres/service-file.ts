import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DbopsError } from '../../errors.js';

/** The connection parameters of a service that dbops applies; libpq's others are refused rather than ignored. */
export const SERVICE_PARAMETERS = [
  'host',
  'port',
  'dbname',
  'user',
  'password',
  'passfile',
  'sslmode',
  'sslrootcert',
  'connect_timeout',
] as const;
export type ServiceParameters = Partial<Record<(typeof SERVICE_PARAMETERS)[number], string>>;

/**
 * Parameters that dbops sets itself for every session (its application name, TCP keepalives): a service's or a URL's
 * are ignored.
 */
export const OWN_PARAMETERS = new Set([
  'application_name',
  'fallback_application_name',
  'keepalives',
  'keepalives_idle',
  'keepalives_interval',
  'keepalives_count',
]);

/**
 * The parameters of connection service `name` (libpq's pg_service.conf), looked up where libpq looks: the file
 * PGSERVICEFILE names or ~/.pg_service.conf, then PGSYSCONFDIR/pg_service.conf. dbops applies them itself and hands
 * pg_dump / pg_restore the result, so its own session and theirs connect alike. `source` says where the name came
 * from (the URL's service parameter, PGSERVICE), for errors.
 *
 * Parsed here, not with an INI library: the format is libpq's own ('#' comments only, no quoting, no escapes, the
 * rest of the line after '=' is the value), and the npm `ini` package reads ';' as a comment and strips quotes, which
 * would change passwords; no maintained npm parser of pg_service.conf exists.
 */
export function serviceParameters(name: string, source: string, env: NodeJS.ProcessEnv): ServiceParameters {
  const files = [
    env.PGSERVICEFILE ?? (env.HOME ? join(env.HOME, '.pg_service.conf') : undefined),
    env.PGSYSCONFDIR ? join(env.PGSYSCONFDIR, 'pg_service.conf') : undefined,
  ].filter((file): file is string => file !== undefined);
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue; // libpq skips a service file it cannot open too
    }
    const found = readService(text, name, file, source);
    if (found) return found;
  }
  throw new DbopsError(
    'INVALID_INPUT',
    `Connection service '${name}' (${source}) is not defined in ${files.length > 0 ? files.join(' or ') : 'any service file (neither PGSERVICEFILE nor HOME is set)'}`,
    {
      input: 'PGSERVICE',
      hint: 'Define it as a [name] section of the service file (PGSERVICEFILE, ~/.pg_service.conf or PGSYSCONFDIR/pg_service.conf), or correct the service name.',
    },
  );
}

/** The section `name` of one service file, or undefined when the file has none. The first value of a key wins. */
function readService(text: string, name: string, file: string, source: string): ServiceParameters | undefined {
  let inService = false;
  let found = false;
  const parameters: ServiceParameters = {};
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const where = `${file}, line ${index + 1}`;
    if (line.startsWith('[')) {
      if (inService) break;
      inService = line.endsWith(']') && line.slice(1, -1) === name;
      found ||= inService;
      continue;
    }
    if (!inService) continue;
    const at = line.indexOf('=');
    if (at === -1) throw serviceError(`${where} is not key=value`, name, source);
    const key = line.slice(0, at).trim();
    const value = line.slice(at + 1).trim();
    if (OWN_PARAMETERS.has(key)) continue;
    if (key === 'service')
      throw serviceError(`${where} names another service (nested services are not allowed)`, name, source);
    if (!(SERVICE_PARAMETERS as readonly string[]).includes(key))
      throw serviceError(`${where} sets ${key}, which dbops does not support`, name, source);
    parameters[key as keyof ServiceParameters] ??= value;
  }
  return found ? parameters : undefined;
}

function serviceError(problem: string, name: string, source: string): DbopsError {
  return new DbopsError('INVALID_INPUT', `Connection service '${name}' (${source}): ${problem}`, {
    input: 'PGSERVICE',
    hint: `Service parameters dbops applies: ${SERVICE_PARAMETERS.join(', ')}. Set others through the connection inputs, or leave them out.`,
  });
}
