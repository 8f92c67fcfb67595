/**
 * Reads a mongodump archive (format.ts) as it streams: the prelude, every block, every document's frame and every
 * namespace's CRC-64, with clear errors for a damaged or truncated archive. Memory stays flat with the archive's
 * size: at most one document (16 MB) and the chunk being read are held.
 *
 * ArchiveParser is fed chunks synchronously (a tap on a stream); readArchive() reads a whole byte stream.
 */
import { BSON } from 'mongodb';
import { DbopsError } from '../../../errors.js';
import { Crc64 } from './crc64.js';
import {
  decodeHeader,
  isOplogNamespace,
  decodeNamespaceHeader,
  decodePreludeEntry,
  MAGIC_NUMBER,
  MAX_BSON_SIZE,
  MIN_BSON_SIZE,
  TERMINATOR,
  type ArchiveHeader,
  type PreludeEntry,
} from './format.js';
import { parseMetadataJson, type CollectionMetadata } from './metadata.js';

/** One namespace of an archive: its prelude entry (if any) and what its data blocks held. */
export interface ArchiveNamespace {
  db: string;
  collection: string;
  /** 'collection', 'view', 'timeseries' from the prelude; '' for data the prelude does not list. */
  type: string;
  /** The prelude's metadata.json, parsed; undefined when the prelude has none for this namespace. */
  metadata: CollectionMetadata | undefined;
  /** The prelude's size field (0 from mongodump). */
  preludeSize: number;
  documents: number;
  /** The documents' BSON bytes. */
  bytes: number;
  /** The CRC-64 of the documents, checked against the EOF block's. */
  crc: bigint;
}

/** The archive's oplog namespace (mongodump --oplog): entries checked in order, their times. */
export interface ArchiveOplog extends ArchiveNamespace {
  /** The first and last entry's ts (seconds and ordinal); absent when it holds none. */
  first?: { t: number; i: number };
  last?: { t: number; i: number };
}

export interface ArchiveContents {
  header: ArchiveHeader;
  /** The collections, views and time series: prelude order, then any namespace with data but no prelude entry. */
  namespaces: ArchiveNamespace[];
  /** The oplog namespace, when the archive has one (a point-in-time archive). */
  oplog?: ArchiveOplog;
  /** The archive's length in bytes. */
  bytes: number;
}

export interface ArchiveParserEvents {
  /** Once the prelude is read: the header and every namespace the prelude lists. */
  prelude?(header: ArchiveHeader, entries: PreludeEntry[]): void;
  /** Each document, in archive order; `bson` is valid only during the call. */
  document?(db: string, collection: string, bson: Uint8Array): void;
  /** A namespace's EOF block, after its CRC matched. */
  namespaceEnd?(namespace: ArchiveNamespace): void;
}

type State = 'magic' | 'header' | 'prelude' | 'block' | 'body' | 'eof-body' | 'done';

/** A push parser: write() each chunk as it arrives, end() when the stream ends. Errors are DbopsErrors. */
export class ArchiveParser {
  private readonly chunks: Uint8Array[] = [];
  private buffered = 0;
  /** Absolute offset of the first buffered byte, for error messages. */
  private offset = 0;
  private state: State = 'magic';
  private header: ArchiveHeader | undefined;
  private readonly entries: PreludeEntry[] = [];
  private readonly namespaces = new Map<string, ArchiveNamespace & { crcState: Crc64; ended: boolean }>();
  private current: (ArchiveNamespace & { crcState: Crc64; ended: boolean }) | undefined;
  /** Set once the oplog's data has begun: no collection's block may follow (mongorestore would not read it). */
  private oplogStarted = false;
  private readonly oplogTimes = new OplogOrder();

  constructor(private readonly events: ArchiveParserEvents = {}) {}

  /** Bytes held between write() calls: never more than one unfinished document (16 MB) and the last chunk. */
  get heldBytes(): number {
    return this.buffered;
  }

  write(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.state === 'done') throw this.corrupt(this.offset + this.buffered, 'bytes follow the end of the archive');
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (this.step());
  }

  /** The stream has ended: the archive must be complete. Returns what it held. */
  end(): ArchiveContents {
    const at = this.offset + this.buffered;
    if (this.buffered > 0) {
      throw this.truncated(at, `it ends inside a ${this.state === 'magic' ? 'magic number' : 'block'}`);
    }
    if (this.state !== 'block') {
      const where = {
        magic: 'before its magic number',
        header: 'before its header',
        prelude: 'inside its prelude',
        body: `inside the documents of ${this.current ? name(this.current) : 'a namespace'}`,
        'eof-body': 'before the terminator of an EOF block',
        block: '',
        done: '',
      }[this.state];
      throw this.truncated(at, `it ends ${where}`);
    }
    const open = [...this.namespaces.values()].filter((ns) => !ns.ended);
    const unfinished = [...open.map(name), ...this.missingEof()];
    if (unfinished.length > 0) {
      const more = unfinished.length > 5 ? ', …' : '';
      throw this.truncated(at, `no EOF block for ${unfinished.slice(0, 5).join(', ')}${more}`);
    }
    this.state = 'done';
    const all = [...this.namespaces.values()].map(({ crcState: _, ended: __, ...ns }) => ns);
    const oplog = all.find(isOplogNamespace);
    return {
      header: this.header!,
      namespaces: all.filter((ns) => !isOplogNamespace(ns)),
      ...(oplog ? { oplog: { ...oplog, ...this.oplogTimes.range() } } : {}),
      bytes: at,
    };
  }

  /** Prelude namespaces with no EOF block. A time series' data may sit under system.buckets.<name>. */
  private missingEof(): string[] {
    return this.entries
      .filter((entry) => {
        const ended = (collection: string) => this.namespaces.get(key(entry.db, collection))?.ended === true;
        return (
          !ended(entry.collection) && !(entry.type === 'timeseries' && ended(`system.buckets.${entry.collection}`))
        );
      })
      .map((entry) => `${entry.db}.${entry.collection}`);
  }

  /** Consumes one unit (magic, header or a document) if it is all buffered; false when more bytes are needed. */
  private step(): boolean {
    if (this.state === 'magic') {
      if (this.buffered < 4) return false;
      const at = this.offset;
      if (this.take(4).readUInt32LE(0) !== MAGIC_NUMBER) {
        throw this.corrupt(at, 'it does not start with the mongodump archive magic number');
      }
      this.state = 'header';
      return true;
    }
    if (this.buffered < 4) return false;
    const at = this.offset;
    const length = this.peekUint32();
    if (length === TERMINATOR) {
      this.take(4);
      this.terminator(at);
      return true;
    }
    if (length < MIN_BSON_SIZE || length > MAX_BSON_SIZE) {
      throw this.corrupt(at, `${length} is neither a BSON document length nor a terminator`);
    }
    if (this.buffered < length) return false;
    const doc = this.take(length);
    if (doc[length - 1] !== 0) throw this.corrupt(at, `the ${length}-byte document there does not end with a NUL byte`);
    this.document(at, doc);
    return true;
  }

  private terminator(at: number): void {
    switch (this.state) {
      case 'prelude':
        this.state = 'block';
        this.events.prelude?.(this.header!, this.entries);
        return;
      case 'body':
        this.state = 'block';
        return;
      case 'eof-body':
        this.state = 'block';
        return;
      case 'header':
        throw this.corrupt(at, 'a terminator stands where the header should be');
      default:
        throw this.corrupt(at, 'two terminators in a row (a block without a header)');
    }
  }

  private document(at: number, doc: Buffer): void {
    switch (this.state) {
      case 'header': {
        const header = decodeHeader(doc);
        if (typeof header === 'string') throw this.corrupt(at, header);
        this.header = header;
        this.state = 'prelude';
        return;
      }
      case 'prelude': {
        const entry = decodePreludeEntry(doc);
        if (typeof entry === 'string') throw this.corrupt(at, entry);
        this.entries.push(entry);
        this.namespace(entry.db, entry.collection);
        return;
      }
      case 'block':
        this.blockHeader(at, doc);
        return;
      case 'body': {
        const ns = this.current!;
        if (isOplogNamespace(ns)) {
          const problem = this.oplogTimes.add(doc);
          if (problem) throw this.corrupt(at, `oplog entry ${ns.documents + 1}: ${problem}`);
        }
        ns.crcState.update(doc);
        ns.documents++;
        ns.bytes += doc.length;
        this.events.document?.(ns.db, ns.collection, doc);
        return;
      }
      default:
        throw this.corrupt(at, `a document follows the EOF block of ${name(this.current!)}`);
    }
  }

  private blockHeader(at: number, doc: Buffer): void {
    const header = decodeNamespaceHeader(doc);
    if (typeof header === 'string') throw this.corrupt(at, header);
    const ns = this.namespace(header.db, header.collection);
    if (ns.ended) throw this.corrupt(at, `${name(ns)} has data after its EOF block`);
    if (isOplogNamespace(ns)) this.oplogStarted = true;
    else if (this.oplogStarted) {
      throw this.corrupt(at, `${name(ns)} has data after the oplog's (mongorestore stops reading collections there)`);
    }
    this.current = ns;
    if (!header.eof) {
      this.state = 'body';
      return;
    }
    ns.crc = ns.crcState.digest();
    if (ns.crc !== header.crc) {
      throw new DbopsError(
        'INTEGRITY_FAILED',
        `The mongodump archive failed its CRC check for ${name(ns)}: its ${ns.documents} documents give ` +
          `${hex(ns.crc)}, its EOF block at byte ${at} says ${hex(header.crc)}`,
        { hint: DAMAGED_HINT },
      );
    }
    ns.ended = true;
    this.state = 'eof-body';
    const { crcState: _, ended: __, ...summary } = ns;
    this.events.namespaceEnd?.(summary);
  }

  private namespace(db: string, collection: string): ArchiveNamespace & { crcState: Crc64; ended: boolean } {
    const id = key(db, collection);
    let ns = this.namespaces.get(id);
    if (!ns) {
      const entry = this.entries.find((e) => e.db === db && e.collection === collection);
      ns = {
        db,
        collection,
        type: entry?.type ?? '',
        metadata: entry ? parseMetadata(entry, this.offset) : undefined,
        preludeSize: entry?.size ?? 0,
        documents: 0,
        bytes: 0,
        crc: 0n,
        crcState: new Crc64(),
        ended: false,
      };
      this.namespaces.set(id, ns);
    }
    return ns;
  }

  private peekUint32(): number {
    const first = this.chunks[0]!;
    if (first.length >= 4) return Buffer.from(first.buffer, first.byteOffset, 4).readUInt32LE(0);
    return this.take(4, true).readUInt32LE(0);
  }

  /** The next n buffered bytes (n <= buffered), without copying when they lie in one chunk. */
  private take(n: number, peek = false): Buffer {
    const first = this.chunks[0]!;
    let out: Buffer;
    if (first.length >= n) {
      out = Buffer.from(first.buffer, first.byteOffset, n);
      if (!peek) {
        if (first.length === n) this.chunks.shift();
        else this.chunks[0] = first.subarray(n);
      }
    } else {
      out = Buffer.allocUnsafe(n);
      let filled = 0;
      let index = 0;
      while (filled < n) {
        const chunk = this.chunks[index]!;
        const part = Math.min(chunk.length, n - filled);
        out.set(chunk.subarray(0, part), filled);
        filled += part;
        if (peek) index++;
        else if (part === chunk.length) this.chunks.shift();
        else this.chunks[0] = chunk.subarray(part);
      }
    }
    if (!peek) {
      this.buffered -= n;
      this.offset += n;
    }
    return out;
  }

  private corrupt(at: number, problem: string): DbopsError {
    const message = `The mongodump archive is damaged at byte ${at}: ${problem}`;
    return new DbopsError('INTEGRITY_FAILED', message, { hint: DAMAGED_HINT });
  }

  private truncated(at: number, problem: string): DbopsError {
    const message = `The mongodump archive is truncated at byte ${at}: ${problem}`;
    return new DbopsError('INTEGRITY_FAILED', message, { hint: DAMAGED_HINT });
  }
}

/** Reads a whole archive from a byte stream, checking it end to end. */
export async function readArchive(
  source: AsyncIterable<Uint8Array>,
  events: ArchiveParserEvents = {},
): Promise<ArchiveContents> {
  const parser = new ArchiveParser(events);
  for await (const chunk of source) parser.write(chunk);
  return parser.end();
}

const DAMAGED_HINT = 'The archive was changed or cut short after it was written; restore another backup.';

function parseMetadata(entry: PreludeEntry, at: number): CollectionMetadata | undefined {
  try {
    return parseMetadataJson(entry.metadata);
  } catch (error) {
    throw new DbopsError(
      'INTEGRITY_FAILED',
      `The mongodump archive is damaged: the prelude's metadata for ${entry.db}.${entry.collection} ` +
        `(before byte ${at}) is not Extended JSON (${(error as Error).message})`,
      { hint: DAMAGED_HINT },
    );
  }
}

function key(db: string, collection: string): string {
  return `${db}\u0000${collection}`;
}

function name(ns: { db: string; collection: string }): string {
  return isOplogNamespace(ns) ? 'the oplog' : `${ns.db}.${ns.collection}`;
}

/** Checks that each oplog document is an entry (op, ns, a BSON timestamp ts) and that their times never go back. */
class OplogOrder {
  private first: { t: number; i: number } | undefined;
  private last: { t: number; i: number } | undefined;

  /** Adds an entry; returns what is wrong with it, if anything. */
  add(doc: Uint8Array): string | undefined {
    let entry: { ts?: unknown; op?: unknown; ns?: unknown };
    try {
      entry = BSON.deserialize(doc, { promoteValues: false });
    } catch (error) {
      return `not valid BSON (${(error as Error).message})`;
    }
    const { ts, op, ns } = entry;
    if (!(ts instanceof BSON.Timestamp)) return 'no BSON timestamp ts';
    if (typeof op !== 'string' || typeof ns !== 'string') return 'no op or ns';
    const time = { t: ts.t, i: ts.i };
    if (this.last && (time.t < this.last.t || (time.t === this.last.t && time.i < this.last.i))) {
      return `its ts ${time.t}:${time.i} is older than the entry before (${this.last.t}:${this.last.i})`;
    }
    this.first ??= time;
    this.last = time;
    return undefined;
  }

  range(): { first?: { t: number; i: number }; last?: { t: number; i: number } } {
    return this.first && this.last ? { first: this.first, last: this.last } : {};
  }
}

function hex(crc: bigint): string {
  return `0x${crc.toString(16).padStart(16, '0')}`;
}
