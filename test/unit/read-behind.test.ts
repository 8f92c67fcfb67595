// A local put's check of each write (packages/core/src/storage/read-behind.ts), against a real file: what the file
// holds is found equal, and a byte that differs, or a file shorter than what was written, is not.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ReadBehind } from '../../packages/core/src/storage/read-behind.js';

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dbops-read-behind-'));
});
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

async function withFile(content: Buffer, use: (check: ReadBehind) => Promise<void>): Promise<void> {
  const file = path.join(dir, `f-${randomBytes(4).toString('hex')}`);
  await fs.writeFile(file, content);
  const handle = await fs.open(file, 'r');
  try {
    await use(new ReadBehind(handle));
  } finally {
    await handle.close();
  }
}

test('the bytes the file holds, at any position and in writes of any size, are found equal', async () => {
  const content = randomBytes(200_000);
  await withFile(content, async (check) => {
    expect(await check.holds(content.subarray(0, 65_536), 0)).toBe(true);
    expect(await check.holds(content.subarray(65_536, 200_000), 65_536)).toBe(true); // a larger write: buffer grows
    expect(await check.holds(content.subarray(10, 20), 10)).toBe(true); // a smaller one: the buffer is reused
  });
});

test('one byte that differs, or a file shorter than the write, is not', async () => {
  const content = randomBytes(100_000);
  await withFile(content, async (check) => {
    const changed = Buffer.from(content.subarray(50_000, 60_000));
    changed.writeUInt8(changed.readUInt8(5_000) ^ 1, 5_000);
    expect(await check.holds(changed, 50_000)).toBe(false);
    expect(await check.holds(content.subarray(0, 1_000), 1)).toBe(false); // the right bytes at the wrong place
    expect(await check.holds(Buffer.concat([content.subarray(90_000), Buffer.from('x')]), 90_000)).toBe(false);
  });
});
