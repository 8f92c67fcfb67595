// The age implementation against the reference: the real `age` and `age-keygen` CLIs (Debian/Ubuntu package `age`).
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  ageEncrypt as encryptWhole,
  createAgeDecryptStream,
  createAgeEncryptStream,
  generateIdentity,
  identityToRecipient,
  isAgeEncrypted,
  parseIdentities,
  parseRecipient,
  recipientFingerprint,
  type AgeDecryptOptions,
  type AgeEncryptOptions,
} from '../../packages/core/src/crypto/age/index.js';
import { DbopsError } from '../../packages/core/src/errors.js';
import { catchError } from '../harness/errors.js';

const KIB64 = 64 * 1024;
const SIZES = [0, 1, KIB64, KIB64 + 1, 5 * 1024 * 1024 + 123];
const LOW_WORK_FACTOR = 10; // keeps scrypt fast in tests; age accepts any work factor up to 22

function haveCommand(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

if (!haveCommand('age', ['--version']) || !haveCommand('age-keygen', ['--version'])) {
  throw new Error('These tests need the reference age CLI: apt-get install age (or see https://age-encryption.org)');
}
// age reads passphrases only from a terminal; util-linux `script` gives it one.
if (!haveCommand('script', ['--version']))
  throw new Error('The passphrase tests need util-linux `script` (apt-get install util-linux)');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dbops-age-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Splits data into irregular pieces (including tiny ones) so chunk boundaries never line up with writes. */
function pieces(data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  const sizes = [1, 7, 100, 4096, 65535, 65537, 300000];
  for (let at = 0, i = 0; at < data.length; i++) {
    const size = sizes[i % sizes.length] ?? 1;
    out.push(data.subarray(at, at + size));
    at += size;
  }
  return out;
}

async function run(transform: Transform, input: Buffer): Promise<Buffer> {
  const out: Buffer[] = [];
  await pipeline(
    Readable.from(pieces(input)),
    transform,
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        out.push(chunk);
        callback();
      },
    }),
  );
  return Buffer.concat(out);
}

const encrypt = (data: Buffer, options: AgeEncryptOptions) => run(createAgeEncryptStream(options), data);
const decrypt = (data: Buffer, options: AgeDecryptOptions) => run(createAgeDecryptStream(options), data);

async function decryptError(data: Buffer, options: AgeDecryptOptions): Promise<DbopsError> {
  try {
    await decrypt(data, options);
  } catch (error) {
    expect(error).toBeInstanceOf(DbopsError);
    return error as DbopsError;
  }
  throw new Error('decryption unexpectedly succeeded');
}

function file(name: string, content: Buffer | string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** A key pair made by age-keygen, with its identity file (which has comment lines). */
function ageKeygen(): { identity: string; recipient: string; identityFile: string; fileContent: string } {
  const identityFile = join(dir, `key-${randomBytes(4).toString('hex')}.txt`);
  execFileSync('age-keygen', ['-o', identityFile], { stdio: 'ignore' });
  const fileContent = readFileSync(identityFile, 'utf8');
  const identity = fileContent.split('\n').find((line) => line.startsWith('AGE-SECRET-KEY-1')) ?? '';
  const recipient = execFileSync('age-keygen', ['-y', identityFile]).toString().trim();
  return { identity, recipient, identityFile, fileContent };
}

function ageDecrypt(encrypted: Buffer, identityFile: string): Buffer {
  return execFileSync('age', ['-d', '-i', identityFile], { input: encrypted, maxBuffer: 1 << 30 });
}

function ageEncrypt(plaintext: Buffer, recipients: string[]): Buffer {
  return execFileSync(
    'age',
    recipients.flatMap((r) => ['-r', r]),
    { input: plaintext, maxBuffer: 1 << 30 },
  );
}

/** Runs age under a pseudo-terminal, typing `lines` as the passphrase prompts' answers. */
function ageWithTerminal(args: string[], lines: string[]): void {
  const command = ['age', ...args].map((arg) => `'${arg}'`).join(' ');
  execFileSync('script', ['-qec', command, '/dev/null'], { input: lines.map((l) => `${l}\n`).join(''), stdio: 'pipe' });
}

describe('keys', () => {
  test('identities and recipients match age-keygen', () => {
    const reference = ageKeygen();
    expect(identityToRecipient(reference.identity)).toBe(reference.recipient);
    expect(parseIdentities(reference.fileContent, 'decrypt-with')).toEqual([reference.identity]);

    const ours = generateIdentity();
    expect(ours.identity).toMatch(/^AGE-SECRET-KEY-1[0-9A-Z]{58}$/);
    expect(
      execFileSync('age-keygen', ['-y'], { input: `${ours.identity}\n` })
        .toString()
        .trim(),
    ).toBe(ours.recipient);
  });

  test('recipients are normalised and fingerprinted without revealing the key', () => {
    const { recipient } = generateIdentity();
    expect(parseRecipient(`  ${recipient.toUpperCase()}\n`, 'encrypt-to')).toBe(recipient);
    const fingerprint = recipientFingerprint(recipient);
    expect(fingerprint).toBe(`sha256:${createHash('sha256').update(recipient).digest('hex').slice(0, 16)}`);
    expect(recipientFingerprint(recipient.toUpperCase())).toBe(fingerprint);
  });

  test('identity files: several keys, comments, blank lines, CRLF', () => {
    const a = generateIdentity();
    const b = generateIdentity();
    const lines = ['# created: today', `# public key: ${a.recipient}`, a.identity, '', b.identity.toLowerCase(), ''];
    const content = lines.join('\r\n');
    expect(parseIdentities(content, 'decrypt-with')).toEqual([a.identity, b.identity]);
  });

  test('a bad recipient names the input and the valid form', () => {
    const { recipient } = generateIdentity();
    const typo = `${recipient.slice(0, 10)}${recipient[10] === 'q' ? 'p' : 'q'}${recipient.slice(11)}`;
    for (const bad of [typo, 'age1short', 'ssh-ed25519 AAAAC3Nza', '', recipient.slice(0, -1)]) {
      const error = catchError(() => parseRecipient(bad, 'encrypt-to'));
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.input).toBe('encrypt-to');
      expect(error.message).toMatch(/^Input 'encrypt-to' is not a valid age recipient \(.+\)$/);
      expect(error.hint).toContain('age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p');
    }
  });

  test('a secret key given as a recipient is refused without being echoed', () => {
    const { identity } = generateIdentity();
    const error = catchError(() => parseRecipient(identity, 'encrypt-to'));
    expect(error.message).toContain("'encrypt-to'");
    expect(error.message).toContain('secret');
    expectNoSecret(error, identity);
  });

  test('bad identities name the input (and line) but never contain the secret', () => {
    const { identity, recipient } = generateIdentity();
    const corrupted = `${identity.slice(0, -3)}${identity.endsWith('QQQ') ? 'PPP' : 'QQQ'}`;
    const cases: Array<[string, RegExp]> = [
      [corrupted, /not a valid age identity \(not valid Bech32/],
      [`# my key\n\n${corrupted}\n`, /not a valid age identity on line 3/],
      [recipient, /public recipient/],
      ['# only a comment\n', /contains no age identity/],
    ];
    for (const [text, message] of cases) {
      const error = catchError(() => parseIdentities(text, 'decrypt-with'));
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message).toContain("'decrypt-with'");
      expect(error.message).toMatch(message);
      expectNoSecret(error, corrupted);
    }
    const fromStream = catchError(() => createAgeDecryptStream({ identities: [corrupted] }));
    expect(fromStream.input).toBe('decrypt-with');
    expectNoSecret(fromStream, corrupted);
  });

  test('isAgeEncrypted', () => {
    expect(isAgeEncrypted(Buffer.from('age-encryption.org/v1\n-> X25519'))).toBe(true);
    expect(isAgeEncrypted(Buffer.from('age-encryption.org/v1'))).toBe(false);
    expect(isAgeEncrypted(Buffer.from('PGDMP'))).toBe(false);
  });
});

describe('interop with the age CLI', () => {
  const data = randomBytes(Math.max(...SIZES));

  test.each(SIZES)('ours -> age -d, one recipient, %i bytes', async (size) => {
    const key = ageKeygen();
    const plaintext = data.subarray(0, size);
    const encrypted = await encrypt(plaintext, { recipients: [key.recipient] });
    expect(isAgeEncrypted(encrypted)).toBe(true);
    expect(ageDecrypt(encrypted, key.identityFile).equals(plaintext)).toBe(true);
  });

  // A parallel backup's small parts are encrypted whole: the same file as the stream's, chunk boundaries included.
  test.each([0, 1, KIB64, KIB64 + 1, 2 * KIB64, 300_000])('ours, whole buffer -> age -d, %i bytes', async (size) => {
    const key = ageKeygen();
    const plaintext = data.subarray(0, size);
    const encrypted = await encryptWhole(plaintext, { recipients: [key.recipient] });
    expect(encrypted.length).toBe((await encrypt(plaintext, { recipients: [key.recipient] })).length);
    expect(ageDecrypt(encrypted, key.identityFile).equals(plaintext)).toBe(true);
  });

  test('ours -> age -d, three recipients, each can decrypt', async () => {
    const keys = [ageKeygen(), ageKeygen(), ageKeygen()];
    const plaintext = data.subarray(0, 3 * KIB64 + 5);
    const encrypted = await encrypt(plaintext, { recipients: keys.map((k) => k.recipient) });
    for (const key of keys) expect(ageDecrypt(encrypted, key.identityFile).equals(plaintext)).toBe(true);
  });

  test.each(SIZES)('age -r -> ours, %i bytes', async (size) => {
    const keys = [ageKeygen(), ageKeygen(), ageKeygen()];
    const plaintext = data.subarray(0, size);
    const encrypted = ageEncrypt(
      plaintext,
      keys.map((k) => k.recipient),
    );
    // The identity file as age-keygen wrote it, comments included.
    const decrypted = await decrypt(encrypted, { identities: [keys[1]?.fileContent ?? ''] });
    expect(decrypted.equals(plaintext)).toBe(true);
  });

  test('passphrase: ours -> age -d', async () => {
    const plaintext = data.subarray(0, KIB64 + 1);
    const encrypted = await encrypt(plaintext, {
      recipients: [],
      passphrase: 'correct horse battery staple',
      scryptWorkFactor: LOW_WORK_FACTOR,
    });
    expect(encrypted.toString('latin1')).toMatch(/^age-encryption\.org\/v1\n-> scrypt [A-Za-z0-9+/]{22} 10\n/);
    const input = file('pass-ours.age', encrypted);
    const output = join(dir, 'pass-ours.out');
    ageWithTerminal(['-d', '-o', output, input], ['correct horse battery staple']);
    expect(readFileSync(output).equals(plaintext)).toBe(true);
  });

  test('passphrase: age -p -> ours (age default work factor 18)', async () => {
    const plaintext = data.subarray(0, 100_000);
    const input = file('pass-age.txt', plaintext);
    const output = join(dir, 'pass-age.age');
    ageWithTerminal(['-p', '-o', output, input], ['correct horse battery staple', 'correct horse battery staple']);
    const encrypted = readFileSync(output);
    expect(encrypted.toString('latin1')).toContain('-> scrypt ');
    const decrypted = await decrypt(encrypted, { identities: [], passphrase: 'correct horse battery staple' });
    expect(decrypted.equals(plaintext)).toBe(true);
  });
});

describe('round trip', () => {
  test.each([0, 1, KIB64 - 1, KIB64, KIB64 + 1, 2 * KIB64, 1_000_000])('X25519, %i bytes', async (size) => {
    const key = generateIdentity();
    const plaintext = randomBytes(size);
    const encrypted = await encrypt(plaintext, { recipients: [key.recipient] });
    expect((await decrypt(encrypted, { identities: [key.identity] })).equals(plaintext)).toBe(true);
  });

  test('passphrase', async () => {
    const plaintext = randomBytes(200_000);
    const encrypted = await encrypt(plaintext, { recipients: [], passphrase: 'pw', scryptWorkFactor: LOW_WORK_FACTOR });
    expect((await decrypt(encrypted, { identities: [], passphrase: 'pw' })).equals(plaintext)).toBe(true);
  });

  test('many tiny writes', async () => {
    const key = generateIdentity();
    const plaintext = randomBytes(200_000);
    const tiny = (data: Buffer) =>
      Array.from({ length: Math.ceil(data.length / 10) }, (_, i) => data.subarray(i * 10, i * 10 + 10));
    const collect = async (source: Buffer[], transform: Transform) => {
      const out: Buffer[] = [];
      await pipeline(Readable.from(source), transform, async (chunks: AsyncIterable<Buffer>) => {
        for await (const chunk of chunks) out.push(chunk);
      });
      return Buffer.concat(out);
    };
    const encrypted = await collect(tiny(plaintext), createAgeEncryptStream({ recipients: [key.recipient] }));
    const decrypted = await collect(tiny(encrypted), createAgeDecryptStream({ identities: [key.identity] }));
    expect(decrypted.equals(plaintext)).toBe(true);
  });

  test('backpressure: an unread stream stops accepting input after a few chunks', () => {
    const stream = createAgeEncryptStream({ recipients: [generateIdentity().recipient] });
    const piece = randomBytes(1024 * 1024);
    let accepted = 0;
    while (accepted < 64 * piece.length) {
      accepted += piece.length;
      if (!stream.write(piece)) break;
    }
    expect(accepted).toBeLessThanOrEqual(2 * piece.length);
    stream.destroy();
  });
});

describe('options', () => {
  test('recipients and a passphrase together are refused (age allows scrypt only alone)', () => {
    const error = catchError(() =>
      createAgeEncryptStream({ recipients: [generateIdentity().recipient], passphrase: 'secret-pass' }),
    );
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.input).toBe('encrypt-passphrase');
    expect(error.message).toContain('only recipient');
    expectNoSecret(error, 'secret-pass');
  });

  test('nothing to encrypt to is refused', () => {
    expect(catchError(() => createAgeEncryptStream({ recipients: [] })).input).toBe('encrypt-to');
    expect(catchError(() => createAgeEncryptStream({ recipients: [], passphrase: '' })).input).toBe('encrypt-to');
  });

  test('a bad recipient is refused before any data flows', () => {
    expect(catchError(() => createAgeEncryptStream({ recipients: ['age1nope'] })).input).toBe('encrypt-to');
  });

  test('no identity and no passphrase is refused', () => {
    expect(catchError(() => createAgeDecryptStream({ identities: [' '] })).input).toBe('decrypt-with');
  });
});

describe('decryption failures', () => {
  const key = generateIdentity();
  const plaintext = randomBytes(3 * KIB64 + 100); // chunks: 3 full ones and a short final one
  let encrypted: Buffer;
  let headerEnd: number; // where the payload nonce starts
  beforeAll(async () => {
    encrypted = await encrypt(plaintext, { recipients: [key.recipient] });
    headerEnd = encrypted.indexOf('\n---') + encrypted.subarray(encrypted.indexOf('\n---') + 1).indexOf('\n') + 2;
  });
  const chunkStart = (index: number) => headerEnd + 16 + index * (KIB64 + 16);
  const flip = (data: Buffer, at: number) => {
    const copy = Buffer.from(data);
    copy[at] = (copy[at] ?? 0) ^ 0x01;
    return copy;
  };
  const fails = async (data: Buffer, message: RegExp, options: AgeDecryptOptions = { identities: [key.identity] }) => {
    const error = await decryptError(data, options);
    expect(error.code).toBe('DECRYPTION_FAILED');
    expect(error.message).toMatch(message);
    expect(error.hint).toBeTruthy();
    return error;
  };

  test('not an age file', async () => {
    await fails(Buffer.from('PGDMP\x01\x0e\x00 a pg_dump archive'), /not an age-encrypted file/);
    await fails(Buffer.alloc(0), /not an age-encrypted file/);
    await fails(Buffer.from('-----BEGIN AGE ENCRYPTED FILE-----\n'), /ASCII-armored/);
  });

  test('wrong key', async () => {
    await fails(encrypted, /none of the given identities matches/, { identities: [generateIdentity().identity] });
  });

  test('the right key among several identities works', async () => {
    const identities = [generateIdentity().identity, `# backup key\n${key.identity}`];
    expect((await decrypt(encrypted, { identities })).equals(plaintext)).toBe(true);
  });

  test('wrong, missing and unused passphrases', async () => {
    const passphraseOptions = { recipients: [], passphrase: 'right', scryptWorkFactor: LOW_WORK_FACTOR };
    const withPassphrase = await encrypt(plaintext, passphraseOptions);
    await fails(withPassphrase, /passphrase is wrong/, { identities: [], passphrase: 'wrong' });
    await fails(withPassphrase, /no passphrase was given/, { identities: [key.identity] });
    await fails(withPassphrase, /work factor 2\^10 exceeds the allowed maximum 2\^9/, {
      identities: [],
      passphrase: 'right',
      maxScryptWorkFactor: 9,
    });
    await fails(encrypted, /passphrase was given, but the file is encrypted to public-key recipients/, {
      identities: [],
      passphrase: 'right',
    });
  });

  test('header MAC mismatch', async () => {
    const other = generateIdentity();
    const twoRecipients = await encrypt(plaintext, { recipients: [key.recipient, other.recipient] });
    // Change the second stanza's ephemeral share: the first recipient still unwraps, the MAC no longer matches.
    const text = twoRecipients.toString('latin1');
    const second = text.indexOf('-> X25519 ', text.indexOf('-> X25519 ') + 1) + '-> X25519 '.length;
    const tampered = Buffer.from(twoRecipients);
    tampered[second] = text[second] === 'A' ? 'B'.charCodeAt(0) : 'A'.charCodeAt(0);
    await fails(tampered, /header MAC does not match/);
  });

  test('flipped byte in a middle chunk, in the final chunk, in the payload nonce', async () => {
    await fails(flip(encrypted, chunkStart(1) + 1234), /payload chunk 1 failed authentication/);
    await fails(flip(encrypted, chunkStart(3) + 10), /final payload chunk 3 failed authentication/);
    await fails(flip(encrypted, headerEnd + 3), /payload chunk 0 failed authentication/);
  });

  test('truncation: a missing final chunk, a cut mid-chunk, a cut header', async () => {
    await fails(encrypted.subarray(0, chunkStart(3)), /truncated: it ends before the final payload chunk/);
    await fails(encrypted.subarray(0, chunkStart(2)), /truncated: it ends before the final payload chunk/);
    await fails(encrypted.subarray(0, headerEnd + 16), /truncated: it ends before the final payload chunk/);
    await fails(encrypted.subarray(0, chunkStart(2) + 500), /final payload chunk 2 failed authentication/);
    await fails(encrypted.subarray(0, encrypted.length - 1), /final payload chunk 3 failed authentication/);
    await fails(encrypted.subarray(0, headerEnd - 10), /truncated: it ends inside its header/);
  });

  test('a full final chunk: missing, or followed by trailing data', async () => {
    const exact = randomBytes(2 * KIB64); // the final chunk is a full one
    const sealed = await encrypt(exact, { recipients: [key.recipient] });
    await fails(sealed.subarray(0, sealed.length - (KIB64 + 16)), /truncated: it ends before the final payload chunk/);
    await fails(Buffer.concat([sealed, Buffer.from('appended')]), /data after the final payload chunk/);
  });

  test('age rejects what we reject (the reference agrees the file is bad)', async () => {
    const keyFile = file('fail-key.txt', `${key.identity}\n`);
    expect(() => ageDecrypt(flip(encrypted, chunkStart(1) + 1234), keyFile)).toThrow();
    expect(() => ageDecrypt(encrypted.subarray(0, chunkStart(3)), keyFile)).toThrow();
  });
});

function expectNoSecret(error: DbopsError, secret: string): void {
  const everything = `${error.message}\n${error.hint ?? ''}\n${error.stack ?? ''}`.toLowerCase();
  expect(everything).not.toContain(secret.toLowerCase());
  if (secret.length > 40) expect(everything).not.toContain(secret.toLowerCase().slice(16, 40)); // nor a part of it
}
