import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DbopsError } from '../../errors.js';

/** What a password file line is matched against. */
export interface PassfileKey {
  host: string;
  port: number;
  database: string;
  user: string;
}

/** The password file libpq would read: passfile (URL or service), else PGPASSFILE, else ~/.pgpass. */
export function passfilePath(explicit: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (explicit) return explicit;
  if (env.PGPASSFILE) return env.PGPASSFILE;
  return env.HOME ? join(env.HOME, '.pgpass') : undefined;
}

/**
 * The password for `key` in a password file (`host:port:database:user:password` lines), read as libpq reads it: the
 * first matching line wins, `*` matches anything, `\` escapes ':' and '\', '#' starts a comment line, a socket
 * directory matches as localhost. A file that does not exist is no error (libpq ignores it too). pg's own pgpass
 * support is not used: it reads process.env and prints warnings.
 */
export function passfilePassword(file: string, key: PassfileKey): string | undefined {
  let text: string;
  try {
    if (!statSync(file).isFile()) return undefined;
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const wanted = [
    key.host === '' || key.host.startsWith('/') ? 'localhost' : key.host,
    String(key.port),
    key.database,
    key.user,
  ];
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const fields = splitFields(line);
    if (fields.length < 5) continue;
    if (!wanted.every((value, i) => fields[i]!.wildcard || fields[i]!.text === value)) continue;
    const password = fields[4]!.text;
    if (password === '') return undefined;
    refuseSharedFile(file);
    return password;
  }
  return undefined;
}

/** Fields separated by ':', with '\' escaping the next character; an unescaped '*' alone is a wildcard. */
function splitFields(line: string): Array<{ text: string; wildcard: boolean }> {
  const fields: Array<{ text: string; wildcard: boolean }> = [];
  let text = '';
  let raw = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\' && i + 1 < line.length) {
      text += line[++i];
      raw += `\\${line[i]}`;
    } else if (c === ':') {
      fields.push({ text, wildcard: raw === '*' });
      text = raw = '';
    } else {
      text += c;
      raw += c;
    }
  }
  fields.push({ text, wildcard: raw === '*' });
  return fields;
}

/**
 * libpq ignores a password file that others can read, with a warning on stderr that a CI log easily hides. Where it
 * holds the password this connection needs, dbops says so instead of failing later as "no password supplied".
 */
function refuseSharedFile(file: string): void {
  if ((statSync(file).mode & 0o077) === 0) return;
  throw new DbopsError(
    'INVALID_INPUT',
    `The password file ${file} has group or world access, so libpq (pg_dump, pg_restore) ignores it`,
    {
      input: 'PGPASSFILE',
      hint: `Make it private to its owner: chmod 600 ${file}`,
    },
  );
}
