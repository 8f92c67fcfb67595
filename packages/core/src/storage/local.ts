import { randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { addAbortSignal, Readable } from 'node:stream';
import { cancelled, DbopsError, invalidInput } from '../errors.js';
import { makeDirectory } from '../files/make-directory.js';
import { readChunkSize } from '../files/read-chunk-size.js';
import { formatBytes } from '../format.js';
import { checkKey } from './key.js';
import { ReadBehind } from './read-behind.js';
import type { IncompleteUpload, IncompleteUploads, PutOptions, PutResult, Storage, StoredObject } from './types.js';

/** Files put() and preflight() create for a moment; list() never shows them. */
const PARTIAL_FILE = /^\.(.+)\.partial-[0-9a-f]{16}$/;
const PROBE_FILE = /^\.dbops-probe-[0-9a-f]{16}$/;

type Action = 'write' | 'read' | 'list' | 'delete';
/** What link() fails with on a file system without hard links (Linux FUSE exFAT and vfat: EPERM; others: ENOTSUP). */
const NO_LINKS = ['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'];

/**
 * Backups in a local directory. A put() writes to a hidden temp file next to the target, flushes it to disk, and
 * then hard-links it into place: the link is atomic and fails when the name exists, so a key is never overwritten
 * and never shows a partial file.
 */
export class LocalStorage implements Storage {
  readonly display: string;
  private readonly root: string;
  /** The root with a trailing separator: every stored file's path starts with it. */
  private readonly inside: string;

  constructor(
    root: string,
    private readonly inputName: string,
  ) {
    this.root = path.resolve(root);
    this.inside = this.root.endsWith(path.sep) ? this.root : this.root + path.sep;
    this.display = this.root;
  }

  async preflight(): Promise<void> {
    await this.makeDirectory(this.root);
    const probe = path.join(this.root, `.dbops-probe-${randomHex()}`);
    const linked = path.join(this.root, `.dbops-probe-${randomHex()}`);
    try {
      await fs.writeFile(probe, '', { flag: 'wx' });
      // Every put publishes its file with a hard link: a file system without them must fail here, not after a dump.
      await fs.link(probe, linked).catch((error: unknown) => {
        throw this.linkFailure(error, this.root);
      });
    } catch (error) {
      throw this.fail(error, 'write', this.root);
    } finally {
      await fs.rm(linked, { force: true });
      await fs.rm(probe, { force: true });
    }
  }

  /** For a location that is read from: an absent directory is a mistyped path, not an empty catalog. */
  async checkDirectory(): Promise<void> {
    const info = await fs.stat(this.root).catch((error: unknown) => {
      if (isMissing(error)) return undefined;
      throw this.fail(error, 'read', this.root);
    });
    if (!info) {
      throw new DbopsError(
        'STORAGE_NOT_FOUND',
        `Input '${this.inputName}': the directory ${this.root} does not exist`,
        {
          input: this.inputName,
          hint: `Check '${this.inputName}': it must be the directory the backups were written to (the backup's 'to').`,
        },
      );
    }
    if (!info.isDirectory())
      throw invalidInput(
        this.inputName,
        `(${this.root}) is a file, not a directory`,
        'the directory the backups were written to',
      );
  }

  async put(key: string, body: Readable | Buffer, options: PutOptions = {}): Promise<PutResult> {
    try {
      const size = await this.write(key, body, options);
      return options.check ? { size, checked: 'read-behind' } : { size };
    } catch (error) {
      if (!Buffer.isBuffer(body)) body.destroy(); // whoever feeds the body must not wait for a reader that is gone
      // The storage's own failure (a full disk) is the cause even when the abort it set off got here first.
      throw options.signal?.aborted && !(error instanceof DbopsError) ? cancelled() : error;
    }
  }

  async get(key: string, options: { signal?: AbortSignal } = {}): Promise<Readable> {
    const file = this.pathOf(key);
    const handle = await fs.open(file, 'r').catch((error: unknown) => {
      throw isMissing(error) ? this.notFound(key) : this.fail(error, 'read', file);
    });
    const info = await handle.stat();
    if (!info.isFile()) {
      await handle.close();
      throw this.notFound(key);
    }
    const stream = handle.createReadStream({ highWaterMark: readChunkSize(info.size) });
    return options.signal ? addAbortSignal(options.signal, stream) : stream;
  }

  async stat(key: string): Promise<StoredObject | undefined> {
    const file = this.pathOf(key);
    try {
      const info = await fs.stat(file);
      return info.isFile() ? { key, size: info.size, lastModified: info.mtime } : undefined;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw this.fail(error, 'read', file);
    }
  }

  async list(prefix: string): Promise<StoredObject[]> {
    checkKey(prefix, { prefix: true });
    // Start at the deepest directory the prefix names, so listing one backup name does not walk all the others.
    const base = prefix.slice(0, prefix.lastIndexOf('/') + 1);
    const found: StoredObject[] = [];
    await this.walk(path.join(this.root, base), base, prefix, found);
    return inByteOrder(found);
  }

  async delete(key: string): Promise<void> {
    const file = this.pathOf(key);
    try {
      await fs.unlink(file);
    } catch (error) {
      if (isMissing(error)) return;
      throw this.fail(error, 'delete', file);
    }
    await this.removeEmptyParents(path.dirname(file));
  }

  /** The temp files of puts whose process was killed (a put removes its own in every other case). */
  async listIncomplete(prefix: string): Promise<IncompleteUploads> {
    checkKey(prefix, { prefix: true });
    const base = prefix.slice(0, prefix.lastIndexOf('/') + 1);
    const found: StoredObject[] = [];
    await this.walk(path.join(this.root, base), base, '', found, true);
    const uploads = found.flatMap(({ key, lastModified }) => {
      const directory = key.slice(0, key.lastIndexOf('/') + 1);
      const target = `${directory}${PARTIAL_FILE.exec(key.slice(directory.length))![1]}`;
      return target.startsWith(prefix) ? [{ key: target, since: lastModified, handle: key }] : [];
    });
    return { uploads };
  }

  async discardIncomplete(upload: IncompleteUpload, idleSince: Date): Promise<boolean> {
    if (!PARTIAL_FILE.test(path.basename(upload.handle)))
      throw new DbopsError('INTERNAL', `'${upload.handle}' is not a temp file of an upload`);
    // A put still running writes its temp file as it goes: written since, it is not abandoned.
    const current = await this.stat(upload.handle);
    if (!current || current.lastModified > idleSince) return false;
    await this.delete(upload.handle);
    return true;
  }

  locate(key: string): string {
    return this.pathOf(key);
  }

  private pathOf(key: string): string {
    checkKey(key);
    const file = path.join(this.root, ...key.split('/'));
    // checkKey already rules out '..'; this guards against anything a platform's path rules add.
    if (!file.startsWith(this.inside))
      throw new DbopsError('INTERNAL', `Storage key '${key}' leaves the storage directory`);
    return file;
  }

  private async write(key: string, body: Readable | Buffer, options: PutOptions): Promise<number> {
    const { signal } = options;
    const target = this.pathOf(key);
    if (signal?.aborted) throw cancelled();
    // Fails before anything is streamed; the link below is what guarantees no overwrite.
    if (await this.stat(key)) throw this.alreadyExists(key);

    const directory = path.dirname(target);
    const existing = await this.deepestExisting(directory);
    await this.makeDirectory(directory);
    const temp = path.join(directory, `.${path.basename(target)}.partial-${randomHex()}`);
    let linked = false;
    try {
      const size = await this.writeDurably(temp, target, body, options);
      await fs.link(temp, target).catch((error: unknown) => {
        throw hasCode(error, 'EEXIST') ? this.alreadyExists(key) : this.linkFailure(error, target);
      });
      linked = true;
      await syncDirectory(directory);
      return size;
    } finally {
      await fs.rm(temp, { force: true });
      // A failed put leaves no trace: not even the (now empty) directories it made for its file.
      if (!linked) await this.removeEmptyParents(directory, existing);
    }
  }

  /** The deepest of `directory` and its parents that exists: where a failed put's cleanup of directories stops. */
  private async deepestExisting(directory: string): Promise<string> {
    let current = directory;
    while (
      current.startsWith(this.inside) &&
      !(await fs.stat(current).then(
        () => true,
        () => false,
      ))
    )
      current = path.dirname(current);
    return current;
  }

  /**
   * Streams body into a new file (`file`, the temp file that becomes `target`) and flushes it to disk. Errors of the
   * body itself pass through unchanged; the storage's own name `target`, the file the user knows of. With `check`,
   * each write is read back at once and compared: the same proof as reading the file again after the put, without
   * a second pass over it once the stream has ended.
   */
  private async writeDurably(
    file: string,
    target: string,
    body: Readable | Buffer,
    options: PutOptions,
  ): Promise<number> {
    const { signal } = options;
    // Opened for reading too: a checked put reads back each write.
    const handle = await fs.open(file, 'wx+').catch((error: unknown) => {
      throw this.fail(error, 'write', target);
    });
    try {
      const source = Buffer.isBuffer(body) ? Readable.from([body]) : body;
      let size = 0;
      const readBehind = options.check ? new ReadBehind(handle) : undefined;
      // addAbortSignal destroys the source on abort, which ends the loop even while the source is stalled.
      for await (const chunk of signal ? addAbortSignal(signal, source) : source) {
        const bytes: Buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        // A write may store only part of the buffer without an error (a disk that is nearly full): write the rest,
        // which then fails with the cause (ENOSPC), rather than count bytes that never reached the file.
        for (let offset = 0; offset < bytes.length; ) {
          const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset).catch((error: unknown) => {
            throw this.fail(error, 'write', target, size + offset);
          });
          if (bytesWritten === 0)
            throw this.fail(
              Object.assign(new Error('the file system accepted no more bytes'), { code: 'ENOSPC' }),
              'write',
              target,
              size + offset,
            );
          offset += bytesWritten;
        }
        if (readBehind && !(await this.holds(readBehind, bytes, size, target))) throw this.notWritten(target, size);
        size += bytes.length;
      }
      await handle.sync().catch((error: unknown) => {
        throw this.fail(error, 'write', target, size);
      });
      // What the file system holds is what was sent, or the put fails: a put is complete or it is nothing.
      const stored = (await handle.stat()).size;
      if (stored !== size)
        throw this.fail(new Error(`the file holds ${stored} of the ${size} bytes written`), 'write', target, size);
      return size;
    } finally {
      await handle.close();
    }
  }

  private holds(readBehind: ReadBehind, written: Buffer, position: number, target: string): Promise<boolean> {
    return readBehind.holds(written, position).catch((error: unknown) => {
      throw this.fail(error, 'read', target);
    });
  }

  private notWritten(target: string, position: number): DbopsError {
    return new DbopsError('VERIFY_FAILED', `${target} does not hold what was written to it at byte ${position}`, {
      hint: 'The file system returned other bytes than were written (a failing disk, or another process writing the same file). Nothing was recorded as a backup.',
    });
  }

  private async makeDirectory(directory: string): Promise<void> {
    try {
      await makeDirectory(directory);
    } catch (error) {
      throw this.fail(error, 'write', directory);
    }
  }

  /** Collects the stored files under prefix, or with `partials` the temp files of puts (every one under the walk). */
  private async walk(
    directory: string,
    keyPrefix: string,
    prefix: string,
    found: StoredObject[],
    partials = false,
  ): Promise<void> {
    let entries: Dirent[];
    try {
      entries = await fs.readdir(directory, { withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) return;
      throw this.fail(error, 'list', directory);
    }
    for (const entry of entries) {
      const key = keyPrefix + entry.name;
      const file = path.join(directory, entry.name);
      if (entry.isDirectory()) {
        if (`${key}/`.startsWith(prefix) || prefix.startsWith(`${key}/`))
          await this.walk(file, `${key}/`, prefix, found, partials);
      } else if (
        entry.isFile() &&
        key.startsWith(prefix) &&
        PARTIAL_FILE.test(entry.name) === partials &&
        !PROBE_FILE.test(entry.name)
      ) {
        const info = await fs.stat(file).catch(() => undefined); // deleted while listing: skip it
        if (info) found.push({ key, size: info.size, lastModified: info.mtime });
      }
    }
  }

  /**
   * Keeps the tree tidy after rotation and failed puts: no empty directories left behind, up to (not including)
   * `stop`, and never the root.
   */
  private async removeEmptyParents(directory: string, stop?: string): Promise<void> {
    let current = directory;
    while (current.startsWith(this.inside) && current !== stop) {
      try {
        await fs.rmdir(current);
      } catch {
        return; // not empty (or gone): stop
      }
      current = path.dirname(current);
    }
  }

  private alreadyExists(key: string): DbopsError {
    return new DbopsError(
      'ALREADY_EXISTS',
      `Input '${this.inputName}' (${this.display}): ${this.locate(key)} already exists`,
      {
        input: this.inputName,
        hint: 'Backups are never overwritten. Use a new backup id, or remove the file yourself if it is not a backup.',
      },
    );
  }

  private notFound(key: string): DbopsError {
    return new DbopsError(
      'STORAGE_NOT_FOUND',
      `Input '${this.inputName}' (${this.display}): ${this.locate(key)} does not exist`,
      {
        input: this.inputName,
        hint: `Check '${this.inputName}' points at the directory the backups were written to.`,
      },
    );
  }

  /**
   * A failed hard link. Linking a file this user just made fails with EPERM (or ENOTSUP) only where the file system
   * has no hard links (exFAT, FAT, many SMB shares): that is said as such, not as a permission problem.
   */
  private linkFailure(error: unknown, file: string): DbopsError {
    if (!NO_LINKS.some((code) => hasCode(error, code))) return this.fail(error, 'write', file);
    return new DbopsError(
      'STORAGE_FAILED',
      `Input '${this.inputName}' (${this.display}): ${file} is on a file system that does not support hard links`,
      {
        input: this.inputName,
        cause: error,
        hint: 'dbops publishes each stored file with a hard link (atomic, and never over an existing file); exFAT, FAT (vfat) and many SMB/CIFS shares have none. Choose a directory on ext4, XFS, btrfs, ZFS, APFS, NTFS or tmpfs, or write to S3.',
      },
    );
  }

  /**
   * Turns a file system error into a DbopsError that names the input and the fix; `written` is how much of a write
   * had reached the file when it failed.
   */
  private fail(error: unknown, action: Action, file: string, written?: number): DbopsError {
    if (error instanceof DbopsError) return error;
    const subject = `(${this.display}): ${file}`;
    if (hasCode(error, 'ENOTDIR') || (hasCode(error, 'EEXIST') && action === 'write')) {
      return invalidInput(
        this.inputName,
        `${subject} is not a directory: a part of the path is a regular file`,
        'Choose a directory path, e.g. ./backups or /var/backups/db.',
      );
    }
    if (hasCode(error, 'EACCES') || hasCode(error, 'EPERM') || hasCode(error, 'EROFS')) {
      const problem = hasCode(error, 'EROFS')
        ? 'is on a read-only file system'
        : action === 'write' || action === 'delete'
          ? 'is not writable'
          : 'is not readable';
      return new DbopsError('STORAGE_ACCESS_DENIED', `Input '${this.inputName}' ${subject} ${problem} by this user`, {
        input: this.inputName,
        cause: error,
        hint: 'Choose a directory the runner user can write (e.g. under $RUNNER_TEMP or the workspace), or fix its owner and permissions in an earlier step.',
      });
    }
    if (hasCode(error, 'ENOSPC') || hasCode(error, 'EDQUOT')) {
      const after = written === undefined ? '' : ` after ${formatBytes(written)} of it were written`;
      return new DbopsError(
        'STORAGE_FAILED',
        `Input '${this.inputName}' ${subject}: no space left on the device${after}`,
        {
          input: this.inputName,
          cause: error,
          hint: 'Free disk space, or write the backup to a larger volume or to S3.',
        },
      );
    }
    const message = error instanceof Error ? error.message : String(error);
    return new DbopsError('STORAGE_FAILED', `Input '${this.inputName}' ${subject}: ${action} failed: ${message}`, {
      input: this.inputName,
      cause: error,
      hint: 'Check the directory and the file system it is on.',
    });
  }
}

/** Flushes the directory entry the link created, so the published name survives a crash. Not possible everywhere. */
async function syncDirectory(directory: string): Promise<void> {
  const handle = await fs.open(directory, 'r').catch(() => undefined);
  if (!handle) return;
  await handle.sync().catch(() => undefined);
  await handle.close();
}

function hasCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

function isMissing(error: unknown): boolean {
  return hasCode(error, 'ENOENT') || hasCode(error, 'ENOTDIR');
}

/**
 * Sorted by the keys' UTF-8 bytes, as S3 lists them. Each key is encoded once: encoding both keys in every
 * comparison made a listing of a parallel backup's 10,000 parts allocate 280,000 buffers.
 */
function inByteOrder(objects: StoredObject[]): StoredObject[] {
  return objects
    .map((object) => ({ object, bytes: Buffer.from(object.key) }))
    .sort((a, b) => Buffer.compare(a.bytes, b.bytes))
    .map(({ object }) => object);
}

function randomHex(): string {
  return randomBytes(8).toString('hex');
}
