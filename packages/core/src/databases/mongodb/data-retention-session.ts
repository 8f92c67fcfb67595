/**
 * retention-purge's session on MongoDB (DocumentRetentionSession): one client for the plan, the purge and the
 * receipt's copy. The plan reads only (counts); the purge deletes in batches (data-retention-purge.ts). The subject
 * commands (subject-export.ts, subject-erase.ts) run on the same session.
 */
import type { MongoClient } from 'mongodb';
import { DEFAULT_COUNT_LIMIT, DEFAULT_PLAN_STATEMENT_TIMEOUT_MS, type RulePlan } from '../../data-retention/plan.js';
import type { DocumentRetentionSession } from '../document-retention.js';
import type { EngineContext } from '../engine.js';
import { withMongoClient } from './connection.js';
import { countCollectionRule } from './data-retention-count.js';
import { readHeldIds } from './data-retention-filter.js';
import { purgeCollections } from './data-retention-purge.js';
import { receiptCollectionHead, recordReceiptDocument } from './data-retention-receipts.js';
import { resolveCollectionTargets } from './data-retention-target.js';
import { eraseMongoSubject } from './subject-erase.js';
import { exportMongoSubject } from './subject-export.js';
import type { MongoTarget } from './target.js';

export function withMongoRetentionSession<T>(
  target: MongoTarget,
  context: EngineContext,
  use: (session: DocumentRetentionSession) => Promise<T>,
): Promise<T> {
  return withMongoClient(target, context, (client) => use(retentionSession(client, target.database)));
}

function retentionSession(client: MongoClient, database: string): DocumentRetentionSession {
  return {
    plan: async (policy, now, options) => {
      const countLimit = options.countLimit ?? DEFAULT_COUNT_LIMIT;
      const maxTimeMS = options.statementTimeoutMs ?? DEFAULT_PLAN_STATEMENT_TIMEOUT_MS;
      const { targets, skipped } = await resolveCollectionTargets(client, policy, now, options.rules);
      const rules: RulePlan[] = [];
      for (const target of targets) {
        const held = await readHeldIds(client, target, maxTimeMS);
        rules.push({
          rule: target.rule,
          kind: 'collection',
          action: target.action,
          table: target.namespace,
          partitioned: false,
          timeColumn: target.by,
          cutoff: target.cutoff.toISOString(),
          effectiveCutoff: target.effectiveCutoff.toISOString(),
          ...(target.minimumSeconds === undefined ? {} : { minimumSeconds: target.minimumSeconds }),
          rows: await countCollectionRule(client, target, held, countLimit, maxTimeMS),
          dependants: [],
        });
      }
      return { now: now.toISOString(), countLimit, rules, skipped, policy };
    },
    purge: (plan, options) => purgeCollections(client, plan, options),
    recordReceipt: (receipt, home) => recordReceiptDocument(client, database, receipt, home),
    receiptHead: (chain) => receiptCollectionHead(client, database, chain),
    exportSubject: (policy, table, id) => exportMongoSubject(client, database, policy, table, id),
    eraseSubject: (policy, options) => eraseMongoSubject(client, database, policy, options),
  };
}
