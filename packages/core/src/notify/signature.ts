import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header a signed webhook carries: GitHub's scheme, so receivers can reuse their verification code. */
export const SIGNATURE_HEADER = 'x-dbops-signature-256';

/** "sha256=<hex HMAC-SHA256 of the exact body>". */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** For receivers (and tests): constant-time comparison of a received signature. */
export function verifySignature(secret: string, body: string, signature: string): boolean {
  const expected = Buffer.from(signBody(secret, body));
  const received = Buffer.from(signature);
  return expected.length === received.length && timingSafeEqual(expected, received);
}
