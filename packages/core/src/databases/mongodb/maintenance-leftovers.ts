// What an index rebuild killed or crashed midway leaves (maintenance-indexes.ts): its stand-in, with the original
// still there (killed before the original's drop or after its build) or without it (killed between the two). Every
// write maintains the stand-in. The plan finds them (name and key shape: isStandIn) and plans one step each, before
// any other: with the original in place, the stand-in is dropped; without it, the original is built again from the
// stand-in (its key without the trailing field, the same options) before the stand-in is dropped, so the queries the
// stand-in serves never lose their index; from the spec the killed run recorded in its lease when there is one (a
// stand-in cannot carry a TTL: maintenance-lease.ts). A stand-in whose index a run holds the lease on is in use,
// not left over: only reported.
import type { Db, Document } from 'mongodb';
import type { MaintenanceStep } from '../../maintenance/step.js';
import { mb, REINDEX_BYTES_PER_S, seconds } from '../../maintenance/step-figures.js';
import { buildSpec, indexFigures, isStandIn, listIndexSpecs, STAND_IN_FIELD } from './maintenance-indexes.js';
import { LEASE_COLLECTION, type LeaseHolder } from './lease.js';
import { IndexStepRefused, leaseHeld, leaseKey, recordedIndexSpecs, withIndexLease } from './maintenance-lease.js';

export interface StandIn {
  name: string;
  /** The index it stands in for: its name without the suffix. */
  original: string;
  spec: Document;
  bytes: number;
  /** The original's spec when it exists. */
  originalSpec?: Document;
}

/** A collection's stand-ins, from its index specs and collStats. */
export function standInsOf(specs: readonly Document[], stats: Document): StandIn[] {
  return specs.filter(isStandIn).map((spec) => {
    const name = String(spec.name);
    const original = name.slice(0, -STAND_IN_FIELD.length);
    const originalSpec = specs.find((s) => s.name === original);
    return { name, original, spec, bytes: indexFigures(stats, name).bytes, ...(originalSpec ? { originalSpec } : {}) };
  });
}

/** The original's spec again from its stand-in: the key without the trailing field, the same options, its name. */
function originalFrom(standIn: Document, original: string): Document {
  const { [STAND_IN_FIELD]: _trailing, ...key } = standIn.key as Document;
  return { ...buildSpec(standIn), key, name: original };
}

const sameKey = (a: Document, b: Document) => JSON.stringify(a.key) === JSON.stringify(originalFrom(b, '').key);

/** The spec the killed rebuild recorded for the stand-in's original, when it is that index's (name and key). */
function recordedFor(s: StandIn, recorded: Document | undefined): Document | undefined {
  return recorded && recorded.name === s.original && sameKey(recorded, s.spec) ? buildSpec(recorded) : undefined;
}

function commands(collection: string, s: StandIn, recorded?: Document): Document[] {
  const drop = { dropIndexes: collection, index: s.name };
  if (s.originalSpec) return [drop];
  return [{ createIndexes: collection, indexes: [recorded ?? originalFrom(s.spec, s.original)] }, drop];
}

/**
 * What the plan knows of the leases: the unexpired ones and the index specs interrupted rebuilds recorded in theirs,
 * or why they could not be read.
 */
export type Leases = { held: Map<string, LeaseHolder>; specs: Map<string, Document> } | { unreadable: string };

export function leftoverSteps(
  database: string,
  collection: string,
  standIns: readonly StandIn[],
  leases: Leases,
): MaintenanceStep[] {
  return standIns.map((s) => {
    const which = `stand-in ${JSON.stringify(s.name)} of index ${JSON.stringify(s.original)}`;
    const recorded = 'specs' in leases ? recordedFor(s, leases.specs.get(leaseKey(collection, s.original))) : undefined;
    const base = {
      kind: 'drop-rebuild-leftover' as const,
      object: `${database}.${collection}`,
      index: s.name,
      statement: commands(collection, s, recorded)
        .map((c) => `db.runCommand(${JSON.stringify(c)})`)
        .join('; '),
      figures: { indexBytes: s.bytes },
      lock: s.originalSpec
        ? 'dropIndexes: an exclusive lock on the collection, briefly'
        : 'the build holds an exclusive lock on the collection only at its start and end (MongoDB 4.2 and later), the stand-in serving queries meanwhile; dropIndexes briefly',
      estimatedSeconds: s.originalSpec ? 1 : seconds(s.bytes, REINDEX_BYTES_PER_S),
      expectedGain: `${mb(s.bytes)} freed and one index fewer to maintain on every write`,
    };
    const held = 'held' in leases ? leases.held.get(leaseKey(collection, s.original)) : undefined;
    if (held)
      return {
        ...base,
        mode: 'report' as const,
        why: `${which}: ${leaseHeld(held)}: it is rebuilding the index now; left alone. If that run is gone, a run after ${held.until.toISOString()} cleans up`,
        expectedGain: 'none while the rebuild works',
      };
    if ('unreadable' in leases)
      return {
        ...base,
        mode: 'report' as const,
        why: `${which}, but dbops's leases (${database}.${LEASE_COLLECTION}) could not be read (${leases.unreadable}), so whether a run is rebuilding the index now is unknown; left alone: grant this user find, insert, update and remove on that collection (readWrite)`,
      };
    if (s.originalSpec && !sameKey(s.originalSpec, s.spec))
      return {
        ...base,
        mode: 'report' as const,
        why: `${which} left by an interrupted rebuild, but ${JSON.stringify(s.original)} now has another key (${JSON.stringify(s.originalSpec.key)}): the stand-in may serve queries it does not; decide by hand`,
      };
    if (s.originalSpec)
      return {
        ...base,
        mode: 'apply' as const,
        why: `${which} left by an interrupted rebuild (killed or crashed before it dropped the stand-in), ${JSON.stringify(s.original)} in place: every write maintains both (${mb(s.bytes)})`,
      };
    const single = Object.keys(s.spec.key as Document).length === 2;
    const missing = `${which} left by an interrupted rebuild (killed or crashed after it dropped the index, before it built it again): ${JSON.stringify(s.original)} is missing and queries use the stand-in; the index is built again`;
    return {
      ...base,
      mode: 'apply' as const,
      why: recorded
        ? `${missing} from the spec that rebuild recorded in dbops's lease (its options${recorded.expireAfterSeconds === undefined ? '' : ', expireAfterSeconds included'}), before the stand-in is dropped`
        : `${missing} from the stand-in's key without ${JSON.stringify(STAND_IN_FIELD)}, with the same options, before the stand-in is dropped` +
          (single
            ? ' (a TTL cannot be read back from a stand-in and the rebuild recorded no spec: if the index had expireAfterSeconds, set it again with collMod)'
            : ''),
    };
  });
}

/**
 * Applies a leftover step under the index's lease (IndexBusy when a run holds it): lists the indexes again and
 * drops the stand-in, first building the original from it when it is missing. Returns what was done, in a sentence.
 */
export function cleanUpStandIn(
  db: Db,
  collection: string,
  name: string,
  object: string,
  timeoutMs: number,
): Promise<string> {
  const original = name.slice(0, -STAND_IN_FIELD.length);
  const deadline = Date.now() + timeoutMs;
  const left = () => Math.max(1, Math.round(deadline - Date.now()));
  return withIndexLease(db, collection, original, object, timeoutMs, async (lease) => {
    const specs = await listIndexSpecs(db, collection, left());
    const [s] = standInsOf(
      specs.filter((spec) => spec.name === name || spec.name === original),
      {},
    );
    if (!s) return `nothing was left any more: ${JSON.stringify(name)} is gone`;
    if (s.originalSpec && !sameKey(s.originalSpec, s.spec))
      throw new StandInChanged(`${object} index ${JSON.stringify(original)} now has another key; the stand-in is kept`);
    const recorded = recordedFor(s, (await recordedIndexSpecs(db, left())).get(leaseKey(collection, original)));
    // Kept for the run after this one, should this one fail before the index is built again.
    if (recorded && !s.originalSpec) await lease.recordSpec(recorded);
    const [first, second] = commands(collection, s, recorded);
    const step = async (command: Document, state: string) => {
      try {
        await db.command({ ...command, maxTimeMS: left() });
      } catch (error) {
        throw new Error(`${(error as Error).message} (${state})`, { cause: error });
      }
    };
    if (!second) {
      await step(first!, `the stand-in ${JSON.stringify(name)} is left`);
      return `dropped the stand-in ${JSON.stringify(name)}; ${JSON.stringify(original)} stands`;
    }
    await step(
      first!,
      `${JSON.stringify(original)} is still missing; its stand-in ${JSON.stringify(name)} is kept and serves its queries`,
    );
    await step(
      second,
      `${JSON.stringify(original)} was built again; its stand-in ${JSON.stringify(name)} is left: the next run drops it`,
    );
    const from = recorded ? 'the spec its rebuild recorded' : 'its stand-in';
    return `built ${JSON.stringify(original)} again from ${from}, then dropped the stand-in ${JSON.stringify(name)}`;
  });
}

/** The original got another key between the plan and the step: a person decides. */
export class StandInChanged extends IndexStepRefused {}
