/**
 * The cap on what one subject's export or erase holds in memory on MongoDB (docs/retention.md, "MongoDB subjects"):
 * the `_id`s of its documents at every level, about 100 bytes each (the export holds the documents too). The
 * deepest-first erase and its receipt's hash over the sorted keys need them all, so rather than let a subject with
 * millions of nested documents exhaust the runner's memory, the walk counts each document as it reads it and stops
 * at the first one over the rule's `max-subject-documents`. The erase and the export walk every level before they
 * delete or write anything, so a refused subject is left whole and nothing is exported.
 */
import { DEFAULT_MAX_SUBJECT_DOCUMENTS, MAX_SUBJECT_DOCUMENTS_LIMIT } from '../../data-retention/policy.js';
import { DbopsError } from '../../errors.js';
import type { MongoSubjectScope } from './subject-scope.js';
import type { MongoSubjectCollection } from './subject-tree.js';

export class SubjectBudget {
  private held = 0;
  /** Documents counted per collection, for the message. */
  private readonly counted = new Map<string, number>();

  constructor(
    private readonly scope: Pick<MongoSubjectScope, 'subject' | 'rule'>,
    private readonly id: string,
  ) {}

  /** The rule's limit: the subject's own rule's, whichever collections its documents are in. */
  get max(): number {
    return this.scope.rule?.maxSubjectDocuments ?? DEFAULT_MAX_SUBJECT_DOCUMENTS;
  }

  /** Counts one document of `node` read into memory; throws CHECK_FAILED (naming the rule) once there are too many. */
  take(node: MongoSubjectCollection): void {
    this.held++;
    this.counted.set(node.namespace, (this.counted.get(node.namespace) ?? 0) + 1);
    if (this.held > this.max) throw this.tooMany();
  }

  private tooMany(): DbopsError {
    const rule = this.scope.rule;
    const name = rule ? `rule '${rule.name}'` : 'a rule';
    const where = [...this.counted].map(([namespace, n]) => `${n} in ${namespace}`).join(', ');
    return new DbopsError(
      'CHECK_FAILED',
      `Subject ${this.id} of ${this.scope.subject.namespace} has more documents than ${name} allows (max-subject-documents: ${this.max}): ${this.held} found before counting stopped (${where})`,
      {
        input: 'policy',
        hint: `Their _ids are held in memory, about 100 bytes each: on a runner with the memory for it, raise max-subject-documents on ${name}${rule ? ` (policy line ${rule.line})` : ''}, e.g. max-subject-documents: ${Math.min(this.max * 10, MAX_SUBJECT_DOCUMENTS_LIMIT)} (at most ${MAX_SUBJECT_DOCUMENTS_LIMIT}).`,
      },
    );
  }
}
