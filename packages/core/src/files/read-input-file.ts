import { readFile } from 'node:fs/promises';
import { invalidInput } from '../errors.js';

/** Reads a text file an input names; one that cannot be read is that input's error, with the form it expects. */
export async function readInputFile(path: string, input: string, form: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw invalidInput(
      input,
      `names a file that cannot be read (${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      form,
    );
  }
}
