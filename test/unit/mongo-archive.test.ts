// The mongodump archive format without a server: the CRC-64 mongo-tools uses, and our writer's framing read back
// by our reader, including every flipped byte and every truncation of a small archive.
import { BSON } from 'mongodb';
import fc from 'fast-check';
import { Crc64, crc64 } from '../../packages/core/src/databases/mongodb/archive/crc64.js';
import { metadataJson, parseMetadataJson } from '../../packages/core/src/databases/mongodb/archive/metadata.js';
import { ArchiveParser, readArchive } from '../../packages/core/src/databases/mongodb/archive/reader.js';
import { ArchiveWriter, type CollectionSource } from '../../packages/core/src/databases/mongodb/archive/writer.js';
import { DbopsError } from '@dbops/core';

describe('CRC-64 (Go hash/crc64 with the ECMA table)', () => {
  it('gives the CRC-64/XZ check value and values computed by Go', () => {
    expect(crc64(Buffer.from('123456789'))).toBe(0x995dc9bbdf1939fan);
    expect(crc64(Buffer.alloc(0))).toBe(0n);
    expect(crc64(Buffer.from('a'))).toBe(0x330284772e652b05n);
    // crc64.Checksum(b, crc64.MakeTable(crc64.ECMA)) in Go, b[i] = byte(i*7919 + 13).
    expect(crc64(pattern(1 << 20))).toBe(0x44edb22cb96af303n);
  });

  it('is the same however the bytes are split across updates', () => {
    const bytes = pattern(1000);
    fc.assert(
      fc.property(fc.array(fc.nat(1000), { maxLength: 6 }), (cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b), 1000];
        const crc = new Crc64();
        for (let i = 1; i < points.length; i++) crc.update(bytes.subarray(points[i - 1], points[i]));
        return crc.digest() === crc64(bytes);
      }),
    );
  });
});

describe('archive framing', () => {
  it('reads back what the writer wrote: prelude, counts, sizes, CRCs and metadata', async () => {
    const { archive, writer } = await smallArchive();
    const contents = await readArchive(chunked(archive, 7));
    expect(contents.header).toEqual({
      concurrentCollections: 1,
      formatVersion: '0.1',
      serverVersion: '7.0.42',
      toolVersion: 'dbops test',
    });
    expect(contents.bytes).toBe(archive.length);
    expect(contents.namespaces.map((ns) => [ns.db, ns.collection, ns.type, ns.documents, ns.bytes])).toEqual([
      ['shop', 'orders', 'collection', 3, writer.namespaces[0]!.bytes],
      ['shop', 'a.b.ünï', 'collection', 1, writer.namespaces[1]!.bytes],
      ['shop', 'empty', 'collection', 0, 0],
    ]);
    expect(contents.namespaces.map((ns) => ns.crc)).toEqual(writer.namespaces.map((ns) => ns.crc));
    expect(contents.namespaces[0]!.metadata).toEqual({
      options: { capped: true, size: new BSON.Int32(4096) },
      indexes: [{ v: new BSON.Int32(2), key: { _id: new BSON.Int32(1) }, name: '_id_' }],
      uuid: '0123456789abcdef0123456789abcdef',
      type: 'collection',
    });
  });

  it('hands each document on byte for byte, whatever the chunking', async () => {
    const { archive } = await smallArchive();
    for (const size of [1, 3, 64, archive.length]) {
      const seen: string[] = [];
      await readArchive(chunked(archive, size), { document: (_, c, bson) => seen.push(`${c}:${hex(bson)}`) });
      expect(seen).toEqual(DOCS.map(([c, doc]) => `${c}:${hex(BSON.serialize(doc))}`));
    }
  });

  // The prelude has no checksum (the stored object's SHA-256 covers it); everything after it does, but for the CRC
  // field of a segment's header, which the format leaves unused (always 0; mongorestore ignores it too).
  it('fails on every flipped byte after the prelude that would change what is read', async () => {
    const { archive } = await smallArchive();
    const read = async (bytes: Uint8Array) => {
      const documents: string[] = [];
      const document = (_: string, c: string, bson: Uint8Array) => documents.push(`${c}:${hex(bson)}`);
      const contents = await readArchive(chunked(bytes, 16), { document });
      return { documents, namespaces: contents.namespaces };
    };
    const original = await read(archive);
    const preludeEnd = archive.indexOf(Buffer.from([0xff, 0xff, 0xff, 0xff])) + 4;
    let undetected = 0;
    for (let at = preludeEnd; at < archive.length; at++) {
      const damaged = Buffer.from(archive);
      damaged[at] = damaged[at]! ^ 0x10;
      const outcome = await read(damaged).catch((e: unknown) => (e instanceof DbopsError ? e.code : e));
      if (outcome !== 'INTEGRITY_FAILED') {
        expect([at, outcome]).toEqual([at, original]);
        undetected++;
      }
    }
    expect(undetected).toBe(2 * 8); // the unused CRC fields of the two segment headers
  });

  it('names the namespace whose CRC does not match', async () => {
    const { archive } = await smallArchive();
    const damaged = Buffer.from(archive);
    const at = damaged.indexOf('Zoë') + 1;
    damaged[at] = damaged[at]! ^ 0x01;
    await expect(readArchive(chunked(damaged, 100))).rejects.toThrow(
      /failed its CRC check for shop\.orders: its 3 documents give 0x[0-9a-f]{16}, its EOF block at byte \d+ says 0x/,
    );
  });

  it('fails on every truncation, saying so', async () => {
    const { archive } = await smallArchive();
    for (let length = 0; length < archive.length; length++) {
      const error = await readArchive(chunked(archive.subarray(0, length), 50)).then(
        () => undefined,
        (e: Error) => e,
      );
      expect([length, error?.message]).toEqual([length, expect.stringMatching(/truncated at byte \d+/)]);
    }
  });

  it('rejects what is not an archive, and bytes after its end', async () => {
    await expect(readArchive(chunked(Buffer.from('{"not": "an archive"}'), 8))).rejects.toThrow(
      /does not start with the mongodump archive magic number/,
    );
    const parser = new ArchiveParser();
    const { archive } = await smallArchive();
    parser.write(archive);
    parser.end();
    expect(() => parser.write(Buffer.from([0]))).toThrow(/bytes follow the end of the archive/);
  });

  it('refuses to write a buffer that is not one BSON document', async () => {
    const two = Buffer.concat([BSON.serialize({ a: 1 }), BSON.serialize({ b: 2 })]);
    const writer = new ArchiveWriter([source('shop', 'orders', [two])], { serverVersion: '7.0.0', toolVersion: 't' });
    await expect(collect(writer.chunks())).rejects.toThrow(
      /A document of shop\.orders is not one BSON document: its length prefix says \d+ bytes, but it has \d+/,
    );
  });
});

describe('memory', () => {
  it('the reader holds at most one document and a chunk, however large the archive', async () => {
    const document = BSON.serialize({ _id: 0, body: 'x'.repeat(1024 * 1024) });
    const count = 64;
    const writer = new ArchiveWriter([source('shop', 'files', Array(count).fill(document))], {
      serverVersion: '7.0.42',
      toolVersion: 't',
      chunkBytes: 200_000,
    });
    const parser = new ArchiveParser();
    let held = 0;
    let chunks = 0;
    for await (const chunk of writer.chunks()) {
      for (let i = 0; i < chunk.length; i += 65_537) {
        parser.write(chunk.subarray(i, i + 65_537));
        held = Math.max(held, parser.heldBytes);
      }
      chunks++;
    }
    expect(parser.end().namespaces[0]).toMatchObject({ documents: count, bytes: count * document.length });
    expect(chunks).toBeGreaterThan(count / 2);
    expect(held).toBeLessThan(document.length + 65_537);
  });

  it('the writer reads documents only as its chunks are taken', async () => {
    let pulled = 0;
    const documents = function* () {
      for (let i = 0; i < 1000; i++) {
        pulled++;
        yield BSON.serialize({ _id: i, pad: 'y'.repeat(1000) });
      }
    };
    const writer = new ArchiveWriter([{ ...source('shop', 'orders', []), documents }], {
      serverVersion: '7.0.42',
      toolVersion: 't',
      chunkBytes: 64 * 1024,
    });
    const chunks = writer.chunks();
    const first = await chunks.next();
    expect(first.value!.length).toBeLessThan(64 * 1024 + 1100);
    expect(pulled).toBeLessThan(100);
    await chunks.return(undefined);
  });
});

describe('metadata.json', () => {
  it("has mongodump's fields, in mongodump's order, as canonical Extended JSON", () => {
    const json = metadataJson('orders', {
      options: { capped: true, size: new BSON.Double(4096) },
      indexes: [{ v: new BSON.Int32(2), key: { _id: new BSON.Int32(1) }, name: '_id_' }],
      uuid: '0123456789abcdef0123456789abcdef',
      type: 'collection',
    });
    expect(json).toBe(
      '{"options":{"capped":true,"size":{"$numberDouble":"4096.0"}},' +
        '"indexes":[{"v":{"$numberInt":"2"},"key":{"_id":{"$numberInt":"1"}},"name":"_id_"}],' +
        '"uuid":"0123456789abcdef0123456789abcdef","collectionName":"orders","type":"collection"}',
    );
    expect(parseMetadataJson(json)?.options.size).toEqual(new BSON.Double(4096));
    expect(metadataJson('v', { options: {}, indexes: [], type: '' })).toBe('{"indexes":[],"collectionName":"v"}');
  });
});

const DOCS: Array<[string, BSON.Document]> = [
  ['orders', { _id: 1, customer: 'Zoë', total: 12.5 }],
  ['orders', { _id: 2, customer: '李', items: [{ sku: 'a', n: 2 }] }],
  ['orders', { _id: 3, at: new Date(0), raw: new BSON.Binary(Buffer.from([0, 1, 2])) }],
  ['a.b.ünï', { _id: new BSON.ObjectId('65f000000000000000000001') }],
];

function source(db: string, collection: string, docs: Uint8Array[], options: BSON.Document = {}): CollectionSource {
  return {
    db,
    collection,
    metadata: {
      options,
      indexes: [{ v: new BSON.Int32(2), key: { _id: new BSON.Int32(1) }, name: '_id_' }],
      uuid: '0123456789abcdef0123456789abcdef',
      type: 'collection',
    },
    documents: () => docs,
  };
}

async function smallArchive(): Promise<{ archive: Buffer; writer: ArchiveWriter }> {
  const docs = (collection: string) => DOCS.filter(([c]) => c === collection).map(([, doc]) => BSON.serialize(doc));
  const writer = new ArchiveWriter(
    [
      source('shop', 'orders', docs('orders'), { capped: true, size: new BSON.Int32(4096) }),
      source('shop', 'a.b.ünï', docs('a.b.ünï')),
      source('shop', 'empty', []),
    ],
    { serverVersion: '7.0.42', toolVersion: 'dbops test', chunkBytes: 64 },
  );
  return { archive: Buffer.concat(await collect(writer.chunks())), writer };
}

async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const chunk of chunks) out.push(chunk);
  return out;
}

async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function pattern(length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 7919 + 13) & 0xff;
  return bytes;
}
