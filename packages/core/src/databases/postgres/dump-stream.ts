import { Socket } from 'node:net';
import { Readable, type Duplex } from 'node:stream';
import { DbopsError } from '../../errors.js';
import { startFanOut } from '../../pipeline/fan-out.js';
import type { ProcessExit } from '../../pipeline/child-process.js';
import { compressingProcess, createCompressor, type Compression } from '../../pipeline/compression.js';
import { startArchiveReader, startTocReader, type ArchiveToc } from './archive-toc.js';
import { startDump, type DumpCommand } from './dump.js';

export interface DumpStreamOptions {
  dump: DumpCommand;
  pgRestore: string;
  compression: Compression;
  level: number;
}

/**
 * pg_dump's archive, compressed, with the archive checked on the side while it streams: pg_restore --list reads
 * its table of contents, a second pg_restore reads it to the end (a truncated archive fails there) and its size is
 * counted. `source` piped through `stages` is the compressed archive; it fails unless pg_dump exits 0, so a dump
 * that dies half way can never be stored as complete.
 */
export interface DumpStream {
  source: Readable;
  stages: Duplex[];
  /** The size of the uncompressed archive, once the stream has ended. */
  rawBytes: Promise<number>;
  toc: Promise<ArchiveToc>;
  /** Resolves once pg_restore has read the whole archive. */
  archiveRead: Promise<void>;
}

/**
 * Starts pg_dump, the readers and the compressor, joined by OS pipes through a fan-out thread: the uncompressed
 * archive reaches the zstd command and the readers without entering Node, which only sees the compressed bytes
 * (with gzip, or zstd without the command, Node reads the archive and compresses it). The abort signal in `dump`
 * stops every process.
 */
export async function startDumpStream(options: DumpStreamOptions): Promise<DumpStream> {
  const fanOut = await startFanOut(3);
  const outer = options.dump.signal;
  // A reader that fails stops everything at once: the archive is unusable.
  const stop = new AbortController();
  const onOuterAbort = () => stop.abort();
  outer?.addEventListener('abort', onOuterAbort, { once: true });
  if (outer?.aborted) stop.abort();
  const signal = stop.signal;
  const [forList, forRead, forArchive] = fanOut.outputs as [number, number, number];
  let zstd: ReturnType<typeof compressingProcess>;
  let dump: ReturnType<typeof startDump>;
  let toc: Promise<ArchiveToc>;
  let archiveRead: Promise<void>;
  try {
    // pg_dump first: its own start (connecting, reading the catalog) is the longest way to the first byte, and the
    // other processes start meanwhile (the pipes hold what it writes before they read).
    dump = startDump({ ...options.dump, signal, output: fanOut.input });
    toc = explainTocFailure(startTocReader(options.pgRestore, { input: forList, signal }).toc);
    archiveRead = explainReadFailure(startArchiveReader(options.pgRestore, { input: forRead, signal }).done);
    zstd = compressingProcess(options.compression, options.level, forArchive, { signal });
  } catch (error) {
    stop.abort();
    fanOut.handedOver();
    outer?.removeEventListener('abort', onOuterAbort);
    throw error;
  }
  // Without the zstd command Node reads the archive itself, and compresses it (or not) in `stages`. Stopped, it
  // must let go of its pipe even if nothing ever read from it, or the copying thread would wait on it for ever.
  const uncompressed = zstd ? undefined : new Socket({ fd: forArchive, readable: true, writable: false });
  if (uncompressed) signal.addEventListener('abort', () => uncompressed.destroy(), { once: true });
  fanOut.handedOver(uncompressed ? [forArchive] : []);
  void Promise.allSettled([toc, archiveRead, fanOut.bytes, dump.exited]).then(() =>
    outer?.removeEventListener('abort', onOuterAbort),
  );

  let readerFailure: unknown;
  const onReaderFailure = (error: unknown) => {
    if (signal.aborted) return; // killed by the stop: a consequence, not the cause
    readerFailure = error;
    stop.abort();
  };
  toc.catch(onReaderFailure);
  archiveRead.catch(onReaderFailure);
  fanOut.bytes.catch(onReaderFailure);

  async function* archive(): AsyncGenerator<Buffer> {
    try {
      yield* zstd ? zstd.output() : (uncompressed as AsyncIterable<Buffer>);
      // A pg_dump that died half way only ended the archive early: fail here, before storage takes the end for done.
      await dump.succeeded();
    } catch (error) {
      // A failed stage stops the others at once: zstd dying mid-dump must not wait for the whole dump to end.
      stop.abort();
      // The first cause: pg_dump's own failure (the server went away) explains the readers', which explain the rest.
      const exit = await dump.exited.catch(() => undefined);
      if (exit && exit.code !== 0 && !endedByStop(exit)) await dump.succeeded();
      throw readerFailure ?? error;
    }
  }
  const compressor = zstd ? undefined : createCompressor(options.compression, options.level, { signal });
  return {
    source: Readable.from(archive()),
    stages: compressor ? [compressor] : [],
    rawBytes: fanOut.bytes,
    toc,
    archiveRead,
  };
}

/**
 * pg_dump ended because the stop reached it: killed by a signal, or through its SIGTERM handler, which exits 1
 * saying "terminated by user". A pg_dump that was already exiting with its own error when the stop came (the
 * server went away) ends with that error instead, and that error is the cause to report.
 */
function endedByStop(exit: ProcessExit): boolean {
  return exit.stopped && (exit.signal !== null || /terminated by user$/.test(exit.stderr));
}

function explainTocFailure(toc: Promise<ArchiveToc>): Promise<ArchiveToc> {
  const explained = toc.catch((error) => {
    throw new DbopsError('VERIFY_FAILED', `pg_restore --list could not read the archive: ${(error as Error).message}`, {
      hint: 'The dump is not a valid custom-format archive; nothing was recorded as a backup.',
    });
  });
  // Awaited once the stream has ended; handled now so that an early failure is not reported as unhandled meanwhile.
  explained.catch(() => undefined);
  return explained;
}

function explainReadFailure(done: Promise<void>): Promise<void> {
  const explained = done.catch((error) => {
    throw new DbopsError('VERIFY_FAILED', `The archive is truncated or corrupt: ${(error as Error).message}`, {
      hint: 'pg_dump ended without writing a complete archive; nothing was recorded as a backup.',
    });
  });
  explained.catch(() => undefined);
  return explained;
}
