import { EJSON } from 'bson';
import type { Db, Document } from 'mongodb';
import type { CheckResult } from '../../restore/checks.js';
import type { PipelineCheck } from '../../restore/pipeline-checks.js';

/**
 * Runs each check's pipeline with a time limit; it passes when it returns exactly the expected documents, in order.
 * A pipeline the server refuses fails its check with the server's message. A check on a collection the restored
 * database does not have fails unrun: aggregating a missing collection returns no documents, which a check
 * expecting none (no orphans, no negative totals) would take for a pass.
 */
export async function runPipelineChecks(db: Db, checks: PipelineCheck[], timeoutMs = 60_000): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    try {
      const [found] = await db.listCollections({ name: check.collection }, { nameOnly: true }).toArray();
      if (!found) {
        results.push({
          name: check.name,
          passed: false,
          detail: `not run: the restored database has no collection or view ${check.collection}`,
        });
        continue;
      }
      const documents = await db
        .collection(check.collection)
        .aggregate(check.pipeline, { maxTimeMS: timeoutMs })
        .toArray();
      const got = comparable(documents);
      const passed = got === comparable(check.expect);
      results.push({
        name: check.name,
        passed,
        detail: passed ? `returned the ${documents.length} expected documents` : `returned ${clip(got)}`,
      });
    } catch (error) {
      results.push({ name: check.name, passed: false, detail: `failed: ${(error as Error).message}` });
    }
  }
  return results;
}

/**
 * Relaxed Extended JSON with each document's fields in name order: an int 3 and a double 3.0 read the same, and
 * the expected documents may list their fields in any order (arrays keep theirs).
 */
function comparable(documents: Document[]): string {
  return JSON.stringify(sortFields(EJSON.serialize(documents, { relaxed: true })));
}

function sortFields(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortFields);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([k, v]) => [k, sortFields(v)]));
}

function clip(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
