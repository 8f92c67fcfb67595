import { EJSON } from 'bson';
import type { Document } from 'mongodb';
import { invalidInput } from '../errors.js';

/**
 * A user's check of a restored MongoDB database (issue 15): an aggregation pipeline on one collection and the
 * documents it must return, in order. The JSON form of a checks file:
 *
 *   [{ "name": "orders restored", "collection": "orders",
 *      "pipeline": [{ "$match": { "status": "paid" } }, { "$count": "n" }], "expect": [{ "n": 1200 }] }]
 *
 * Values are relaxed Extended JSON ({"$date": "2026-01-01T00:00:00Z"}, {"$oid": "..."}); numbers compare by value
 * whatever their BSON type, as they do in the database, and fields in any order.
 */
export interface PipelineCheck {
  name: string;
  collection: string;
  pipeline: Document[];
  expect: Document[];
}

const FORM =
  'a JSON array of {"name", "collection", "pipeline": [stages...], "expect": [documents...]}, e.g. ' +
  '[{"name": "paid orders", "collection": "orders", "pipeline": [{"$match": {"status": "paid"}}, {"$count": "n"}], "expect": [{"n": 1200}]}]';

/** Stages that write: a check reads the restored database and changes nothing. */
const WRITING_STAGES = new Set(['$out', '$merge']);

/** Parses a JSON checks file's text; refuses a malformed check, or one that writes, before anything restores. */
export function parsePipelineChecks(text: string, input = 'checks'): PipelineCheck[] {
  let parsed: unknown;
  try {
    parsed = EJSON.parse(text, { relaxed: true });
  } catch (error) {
    throw invalidInput(input, `is not valid JSON (${(error as Error).message})`, FORM);
  }
  if (!Array.isArray(parsed))
    throw invalidInput(input, `is a JSON ${parsed === null ? 'null' : typeof parsed}, not an array of checks`, FORM);
  if (parsed.length === 0) throw invalidInput(input, 'holds no checks', FORM);
  return parsed.map((raw, i) => {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
      throw invalidInput(input, `has check number ${i + 1} that is not an object`, FORM);
    const check = raw as Partial<PipelineCheck>;
    const label = typeof check.name === 'string' && check.name ? `'${check.name}'` : `number ${i + 1}`;
    if (typeof check.name !== 'string' || !check.name)
      throw invalidInput(input, `has check ${label} without a name`, FORM);
    if (typeof check.collection !== 'string' || !check.collection)
      throw invalidInput(input, `has check ${label} without a collection`, FORM);
    if (!Array.isArray(check.pipeline) || check.pipeline.some((s) => typeof s !== 'object' || s === null))
      throw invalidInput(input, `has check ${label} whose pipeline is not an array of stages`, FORM);
    const writing = check.pipeline.flatMap((stage) => Object.keys(stage)).find((k) => WRITING_STAGES.has(k));
    if (writing) throw invalidInput(input, `has check ${label} with a ${writing} stage, which writes`, FORM);
    if (!Array.isArray(check.expect))
      throw invalidInput(input, `has check ${label} whose expect is not an array of documents`, FORM);
    return { name: check.name, collection: check.collection, pipeline: check.pipeline, expect: check.expect };
  });
}

/** Whether a user's check is a pipeline check (the SQL ones have `sql`). */
export function isPipelineCheck(check: object): check is PipelineCheck {
  return 'pipeline' in check && 'collection' in check;
}
