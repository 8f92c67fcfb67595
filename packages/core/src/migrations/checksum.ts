import { createHash } from 'node:crypto';

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The form early Prisma 2 releases recorded: each byte in hex without its leading zero. */
function unpaddedSha256Hex(text: string): string {
  return [...createHash('sha256').update(text).digest()].map((byte) => byte.toString(16)).join('');
}

/**
 * Prisma's comparison of migration.sql with a recorded checksum: the sha256 of the file's bytes (`sha256`), also
 * accepted after its line endings were converted (a checkout with core.autocrlf must not look like an edit), and in
 * the unpadded form of early Prisma 2 rows.
 */
export function prismaChecksumMatches(sha256: string, text: string, checksum: string): boolean {
  if (sha256 === checksum) return true;
  const lf = text.replace(/\r\n/g, '\n');
  const forms = [text, lf, lf.replace(/\n/g, '\r\n')];
  return forms.some((form) => sha256Hex(form) === checksum || unpaddedSha256Hex(form) === checksum);
}
