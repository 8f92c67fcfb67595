#!/usr/bin/env node
// Generates a document database that looks like what the platforms dbops serves keep in MongoDB, rather than
// repetitive filler, because compression ratios and dump speed depend on the data's entropy and shape:
//
//   resumes        parsed resumes: names, contacts, long free-text summaries and job descriptions, nested
//                  experience/education arrays, skills, a GeoJSON point, a 256-float embedding (binary)
//   conversations  AI chat threads: nested arrays of 2–40 messages (short user turns, long assistant answers,
//                  tool calls with nested arguments, feedback), token counts, timestamps
//   events         analytics events: small documents, UUID session ids, user agents, IPs, per-type properties
//   attachments    uploaded files: binary payloads (a compressible text-like part and an incompressible part),
//                  SHA-256 hashes, content types
//
// Text comes from a generated vocabulary with Zipf-like word frequencies. The same --size-mb and --seed always give
// the same documents. --size-mb is the documents' total BSON size (what mongodump reads), reached within a batch.
//
//   node bench/mongo-generate.mjs --url mongodb://127.0.0.1:27017/bench [--size-mb 1000] [--seed 42] [--replace]
//   node bench/mongo-generate.mjs [--size-mb 1000] [--backend sqlite|postgresql]   # starts FerretDB under bench/.data
//
// From other scripts: `await generateMongo({ url, sizeMb, seed, replace, log })` resolves to
// { bsonBytes, documents, seconds, collections: [{ name, documents, bsonBytes }] }.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BSON, MongoClient } from 'mongodb';

const HERE = fileURLToPath(import.meta.url);
/** Share of the total BSON size per collection. */
const SHARES = { resumes: 0.3, conversations: 0.35, events: 0.15, attachments: 0.2 };
const BATCH_BYTES = 4 << 20;
const INDEXES = {
  resumes: [
    { key: { email: 1 }, name: 'email_1', unique: true },
    { key: { skills: 1 }, name: 'skills_1' },
    { key: { 'location.country': 1, updatedAt: -1 }, name: 'country_updated' },
  ],
  conversations: [{ key: { userId: 1, createdAt: -1 }, name: 'user_recent' }],
  events: [
    { key: { userId: 1, at: -1 }, name: 'user_at' },
    { key: { type: 1, at: -1 }, name: 'type_at' },
  ],
  attachments: [{ key: { ownerId: 1 }, name: 'owner_1' }],
};

/** mulberry32: a small seeded PRNG, so a seed always gives the same database. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makeGenerator(seed) {
  const rand = prng(seed);
  const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const syllables =
    'ka lo mi ne ra ti su vo be da fe gi ho ju ly mo pa qu re si ta ur ve wi xa yo ze an el in on'.split(' ');
  const vocabulary = Array.from({ length: 12_000 }, () =>
    Array.from({ length: int(1, 4) }, () => pick(syllables)).join(''),
  );
  // log-uniform rank: P(rank k) ~ 1/k, Zipf's law with exponent 1
  const word = () => vocabulary[Math.floor(vocabulary.length ** rand()) - 1];
  const sentence = (min = 6, max = 22) => {
    const words = Array.from({ length: int(min, max) }, word);
    words[0] = words[0][0].toUpperCase() + words[0].slice(1);
    return `${words.join(' ')}${pick(['.', '.', '.', '?', '!'])}`;
  };
  // Paragraphs draw from a pool of 2^18 generated sentences (~25 MB, ten times zstd -3's 2 MiB window and far
  // beyond gzip's 32 KiB, so repeats barely help the compressors): making every sentence afresh was the
  // generator's bottleneck.
  const pool = Array.from({ length: 1 << 18 }, () => sentence());
  const pooled = () => pool[Math.floor(rand() * pool.length)];
  const paragraph = (min = 2, max = 7) => Array.from({ length: int(min, max) }, pooled).join(' ');
  const text = (paragraphs) => Array.from({ length: paragraphs }, () => paragraph()).join('\n\n');
  const bytes = (n) => {
    const out = Buffer.allocUnsafe(n);
    for (let i = 0; i + 4 <= n; i += 4) out.writeUInt32LE((rand() * 4294967296) >>> 0, i);
    for (let i = n - (n % 4); i < n; i++) out[i] = int(0, 255);
    return out;
  };
  const T0 = Date.UTC(2019, 0, 1);
  const date = (spanDays = 7 * 365) => new Date(T0 + Math.floor(rand() * spanDays * 86_400_000));
  let oidCounter = 0;
  // ObjectIds from the seed's PRNG and a counter: the same for the same seed, increasing like real ones.
  const objectId = (at) => {
    const b = Buffer.alloc(12);
    b.writeUInt32BE(Math.floor((at ?? date()).getTime() / 1000), 0);
    b.writeUInt32BE((seed * 2654435761) >>> 0, 4);
    b.writeUInt32BE(++oidCounter >>> 0, 8);
    return new BSON.ObjectId(b);
  };
  const uuid = () => {
    const b = bytes(16);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    return new BSON.Binary(b, BSON.Binary.SUBTYPE_UUID);
  };
  const first = Array.from({ length: 600 }, () => `${word()}${pick(syllables)}`);
  const last = Array.from({ length: 1500 }, () => `${word()}${pick(syllables)}${pick(syllables)}`);
  const cap = (s) => s[0].toUpperCase() + s.slice(1);
  const cities = Array.from({ length: 400 }, () => ({
    city: cap(word() + pick(syllables)),
    country: pick(['DE', 'FR', 'US', 'GB', 'ES', 'IT', 'NL', 'PL', 'BR', 'IN', 'JP', 'CA', 'SE', 'CH']),
    lng: rand() * 360 - 180,
    lat: rand() * 170 - 85,
  }));
  const skills = Array.from({ length: 900 }, () => `${word()}${pick(['', '', '.js', ' ops', ' design', '++'])}`);
  const companies = Array.from({ length: 2500 }, () =>
    `${cap(word())} ${pick(['GmbH', 'Inc', 'Ltd', 'SA', 'Labs', ''])}`.trim(),
  );
  const titles =
    'Engineer,Senior Engineer,Data Scientist,Product Manager,Designer,Recruiter,Analyst,Consultant,Team Lead,Director,Nurse,Accountant,Sales Manager,Support Agent,Architect'.split(
      ',',
    );
  const userAgents = Array.from(
    { length: 60 },
    (_, i) =>
      `Mozilla/5.0 (${pick(['Windows NT 10.0; Win64; x64', 'Macintosh; Intel Mac OS X 14_5', 'X11; Linux x86_64', 'iPhone; CPU iPhone OS 17_5 like Mac OS X', 'Linux; Android 14'])}) AppleWebKit/537.36 (KHTML, like Gecko) ${pick(['Chrome', 'Firefox', 'Safari', 'Edg'])}/${100 + (i % 30)}.0.${int(1000, 9999)}.${int(10, 200)}`,
  );
  const pages = Array.from({ length: 300 }, () => `/${word()}/${word()}${pick(['', '', `/${int(1, 99999)}`])}`);
  const eventTypes = [
    'page_view',
    'page_view',
    'page_view',
    'click',
    'click',
    'search',
    'apply',
    'signup',
    'login',
    'chat_open',
    'chat_message',
    'upload',
    'download',
    'share',
    'purchase',
    'error',
  ];

  const users = 50_000;
  let resumeNo = 0;

  const resume = () => {
    const n = ++resumeNo;
    const f = pick(first);
    const l = pick(last);
    const place = pick(cities);
    const updatedAt = date();
    const embedding = new Float32Array(256);
    for (let i = 0; i < embedding.length; i++) embedding[i] = rand() * 2 - 1;
    return {
      _id: objectId(updatedAt),
      userId: int(1, users),
      name: { first: cap(f), last: cap(l) },
      email: `${f}.${l}.${n}@${pick(['mail.test', 'example.com', 'post.example', 'inbox.test'])}`,
      phone: `+${int(1, 99)} ${int(100, 999)} ${int(1000000, 9999999)}`,
      location: {
        city: place.city,
        country: place.country,
        geo: { type: 'Point', coordinates: [place.lng, place.lat] },
      },
      headline: `${pick(titles)} · ${sentence(4, 9)}`,
      summary: text(int(1, 4)),
      experience: Array.from({ length: int(1, 6) }, () => {
        const start = date();
        return {
          company: pick(companies),
          title: pick(titles),
          start,
          end: rand() < 0.2 ? null : new Date(start.getTime() + int(90, 2000) * 86_400_000),
          description: text(int(1, 2)),
          skills: Array.from({ length: int(0, 6) }, () => pick(skills)),
        };
      }),
      education: Array.from({ length: int(0, 3) }, () => ({
        school: `${cap(word())} ${pick(['University', 'College', 'Institute', 'School'])}`,
        degree: pick(['BSc', 'MSc', 'BA', 'MA', 'PhD', 'Diploma']),
        field: cap(word()),
        year: new BSON.Int32(int(1985, 2025)),
      })),
      skills: [...new Set(Array.from({ length: int(5, 25) }, () => pick(skills)))],
      languages: Array.from({ length: int(1, 3) }, () => ({
        code: pick(['en', 'de', 'fr', 'es', 'pt', 'it', 'nl', 'pl']),
        level: pick(['A2', 'B1', 'B2', 'C1', 'C2', 'native']),
      })),
      source: {
        file: `${f}_${l}_cv.${pick(['pdf', 'docx', 'pdf'])}`,
        parser: 'resume-parser-v3',
        confidence: Math.round(rand() * 1000) / 1000,
      },
      embedding: new BSON.Binary(Buffer.from(embedding.buffer)),
      parsedAt: updatedAt,
      updatedAt,
    };
  };

  const conversation = () => {
    const createdAt = date();
    let at = createdAt.getTime();
    const turns = int(1, 20);
    const messages = [];
    let prompt = 0;
    let completion = 0;
    if (rand() < 0.3) messages.push({ role: 'system', content: paragraph(1, 3), at: new Date(at) });
    for (let i = 0; i < turns; i++) {
      at += int(5, 600) * 1000;
      const question = Array.from({ length: int(1, 3) }, () => sentence()).join(' ');
      const qTokens = Math.ceil(question.length / 4);
      prompt += qTokens;
      messages.push({ id: uuid(), role: 'user', content: question, at: new Date(at), tokens: new BSON.Int32(qTokens) });
      at += int(1, 30) * 1000;
      const answer = text(int(1, 5));
      const aTokens = Math.ceil(answer.length / 4);
      completion += aTokens;
      const reply = {
        id: uuid(),
        role: 'assistant',
        content: answer,
        at: new Date(at),
        tokens: new BSON.Int32(aTokens),
      };
      if (rand() < 0.15) {
        reply.toolCalls = [
          {
            name: pick(['search_jobs', 'get_resume', 'rank_candidates', 'schedule_call']),
            arguments: {
              query: sentence(2, 5),
              limit: new BSON.Int32(int(5, 50)),
              filters: { country: pick(cities).country, remote: rand() < 0.5 },
            },
          },
        ];
      }
      if (rand() < 0.1) reply.feedback = { rating: int(1, 5), comment: rand() < 0.5 ? sentence() : null };
      messages.push(reply);
    }
    return {
      _id: objectId(createdAt),
      userId: int(1, users),
      title: sentence(3, 8),
      model: pick(['gpt-4o', 'gpt-4o-mini', 'claude-3-5-sonnet', 'mistral-large', 'llama-3.1-70b']),
      createdAt,
      updatedAt: new Date(at),
      usage: { promptTokens: prompt, completionTokens: completion },
      tags: Array.from({ length: int(0, 3) }, () => word()),
      messages,
    };
  };

  const event = () => {
    const at = date();
    const type = pick(eventTypes);
    const props = { page: pick(pages) };
    if (type === 'search') Object.assign(props, { query: sentence(1, 4), results: int(0, 500) });
    if (type === 'click') Object.assign(props, { element: `#${word()}-${word()}`, x: int(0, 1920), y: int(0, 1080) });
    if (type === 'purchase')
      Object.assign(props, {
        sku: `SKU-${int(10000, 99999)}`,
        amount: Math.round(rand() * 50000) / 100,
        currency: pick(['EUR', 'USD', 'GBP']),
      });
    if (type === 'error') Object.assign(props, { message: sentence(), code: int(400, 599) });
    if (type === 'apply') Object.assign(props, { jobId: objectId(), resumeId: objectId() });
    return {
      _id: objectId(at),
      userId: rand() < 0.2 ? null : int(1, users),
      sessionId: uuid(),
      type,
      at,
      referrer: rand() < 0.4 ? `https://${word()}.example${pick(pages)}` : null,
      ua: pick(userAgents),
      ip: `${int(1, 223)}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`,
      props,
      v: 2,
    };
  };

  const attachment = () => {
    const uploadedAt = date();
    const kind = pick([
      'application/pdf',
      'application/pdf',
      'image/png',
      'image/jpeg',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    ]);
    // Text-like documents (PDF, DOCX) compress; images mostly do not.
    const size = int(8 << 10, 160 << 10);
    const textShare = kind.startsWith('image') ? 0.05 : 0.5;
    const textPart = Buffer.from(text(Math.max(1, Math.floor((size * textShare) / 600))));
    const data = Buffer.concat([
      textPart.subarray(0, Math.floor(size * textShare)),
      bytes(size - Math.floor(size * textShare)),
    ]);
    return {
      _id: objectId(uploadedAt),
      ownerId: int(1, users),
      filename: `${word()}_${word()}.${{ 'application/pdf': 'pdf', 'image/png': 'png', 'image/jpeg': 'jpg' }[kind] ?? 'docx'}`,
      contentType: kind,
      length: data.length,
      sha256: createHash('sha256').update(data).digest('hex'),
      uploadedAt,
      data: new BSON.Binary(data),
    };
  };

  return { resumes: resume, conversations: conversation, events: event, attachments: attachment };
}

/** Fills database `url` (the URL's path names it) with ~sizeMb MB of documents. */
export async function generateMongo({ url, sizeMb, seed = 42, replace = false, log = console.log }) {
  const started = Date.now();
  const client = new MongoClient(url);
  try {
    const db = client.db();
    const existing = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    const ours = existing.filter((name) => name in SHARES);
    if (ours.length > 0 && !replace) {
      throw new Error(`${db.databaseName} already has ${ours.join(', ')}: pass --replace to drop and regenerate them`);
    }
    for (const name of ours) await db.collection(name).drop();
    const make = makeGenerator(seed);
    const collections = [];
    for (const [name, share] of Object.entries(SHARES)) {
      const target = sizeMb * 1024 * 1024 * share;
      const collection = db.collection(name);
      await collection.createIndexes(INDEXES[name]);
      let bsonBytes = 0;
      let documents = 0;
      let inFlight = Promise.resolve();
      const collStarted = Date.now();
      while (bsonBytes < target) {
        const batch = [];
        let batchBytes = 0;
        while (batchBytes < BATCH_BYTES && bsonBytes + batchBytes < target) {
          const doc = make[name]();
          batchBytes += BSON.calculateObjectSize(doc);
          batch.push(doc);
        }
        // One insert in flight while the next batch is generated: the server and this process overlap.
        await inFlight;
        inFlight = collection.insertMany(batch, { ordered: false });
        bsonBytes += batchBytes;
        documents += batch.length;
      }
      await inFlight;
      const seconds = (Date.now() - collStarted) / 1000;
      log(`${name}: ${documents} documents, ${(bsonBytes / 1048576).toFixed(1)} MiB BSON in ${seconds.toFixed(1)} s`);
      collections.push({ name, documents, bsonBytes });
    }
    return {
      bsonBytes: collections.reduce((s, c) => s + c.bsonBytes, 0),
      documents: collections.reduce((s, c) => s + c.documents, 0),
      seconds: (Date.now() - started) / 1000,
      collections,
    };
  } finally {
    await client.close();
  }
}

if (process.argv[1] && realpathSync(process.argv[1]) === HERE) {
  const { values: opts } = parseArgs({
    options: {
      url: { type: 'string' },
      'size-mb': { type: 'string', default: '1000' },
      seed: { type: 'string', default: '42' },
      replace: { type: 'boolean', default: false },
      backend: { type: 'string', default: 'sqlite' },
    },
  });
  const sizeMb = Number(opts['size-mb']);
  if (!(sizeMb > 0)) throw new Error(`--size-mb must be a positive number of MB, not ${opts['size-mb']}`);
  const log = (line) => process.stderr.write(`${line}\n`);
  let server;
  let url = opts.url;
  if (!url) {
    const { startMongoServer } = await import('./mongo-server.mjs');
    const dir = join(fileURLToPath(new URL('.', import.meta.url)), '.data', `ferretdb-${opts.backend}`);
    server = await startMongoServer({ dir, backend: opts.backend, log });
    url = server.url(`bench_${sizeMb}`);
  }
  try {
    const result = await generateMongo({ url, sizeMb, seed: Number(opts.seed), replace: opts.replace, log });
    log(
      `${result.documents} documents, ${(result.bsonBytes / 1048576).toFixed(1)} MiB BSON in ${result.seconds.toFixed(1)} s`,
    );
  } finally {
    await server?.stop();
  }
}
