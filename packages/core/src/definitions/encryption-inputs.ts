import { parseRecipient } from '../crypto/age/index.js';
import { invalidInput } from '../errors.js';
import type { Secrets } from '../secrets.js';
import type { InputReader } from './read-inputs.js';
import type { InputDefinition } from './types.js';

/** How a backup is encrypted: age recipients or a passphrase. */
export const ENCRYPTION_INPUTS: InputDefinition[] = [
  {
    name: 'encrypt-to',
    description: 'age recipients (age1..., comma- or newline-separated). Only public keys: the runner cannot decrypt.',
    type: 'list',
    env: ['DBOPS_ENCRYPT_TO'],
  },
  {
    name: 'encrypt-passphrase',
    description: 'Encrypt with an age passphrase instead of recipients.',
    type: 'string',
    secret: true,
    env: ['DBOPS_ENCRYPT_PASSPHRASE'],
  },
];

/** encrypt-to or encrypt-passphrase, checked: only public keys, and never both. */
export function readEncryption(reader: InputReader, secrets: Secrets): { recipients: string[]; passphrase?: string } {
  const recipients = reader.list('encrypt-to').map((text) => {
    if (/^AGE-SECRET-KEY-/i.test(text)) {
      // A secret key pasted where the public key belongs: mask it and refuse it.
      secrets.add(text);
      throw invalidInput(
        'encrypt-to',
        'holds an age secret key, not a recipient',
        'the public key (age1...) printed by `age-keygen -y`; keep the secret key out of the backup job',
      );
    }
    return parseRecipient(text, 'encrypt-to');
  });
  const passphrase = reader.optional('encrypt-passphrase');
  if (recipients.length > 0 && passphrase) {
    throw invalidInput(
      'encrypt-passphrase',
      'cannot be combined with encrypt-to',
      "either recipients or a passphrase: age's passphrase recipient must be a file's only recipient",
    );
  }
  return { recipients, ...(passphrase ? { passphrase } : {}) };
}
