/**
 * The collections, views and indexes as an oplog's commands leave them (mongorestore's index catalog,
 * mongorestore/oplog.go and idx/index_catalog.go, extended to collections): started from the catalog as dumped,
 * each create, drop, createIndexes, dropIndexes or collMod changes it. The backup uses it to record the state a
 * replay restores (the manifest's oplog.atEnd); the restore to build, after the replay, the indexes that state
 * has: an index command is never sent to the server during the replay, since the dumped indexes are built only
 * once the copy is consistent (a unique index may not hold on the fuzzy data before).
 */
import type { Document } from 'mongodb';
import type { CollectionMetadata } from './archive/metadata.js';
import { namespaceDatabase } from './oplog-selection.js';

/** The _id index a collection is created with when its create command names none. */
const DEFAULT_ID_INDEX: Document = { v: 2, key: { _id: 1 }, name: '_id_' };

/** create's fields that are not the collection's options (listCollections does not list them). */
const NOT_OPTIONS = new Set(['create', 'idIndex', 'writeConcern', 'comment', '$db']);

/** collMod's fields that change the collection's options as listCollections shows them. */
const COLLMOD_OPTIONS = [
  'validator',
  'validationLevel',
  'validationAction',
  'expireAfterSeconds',
  'changeStreamPreAndPostImages',
];

const DROP_INDEX_COMMANDS = new Set(['dropIndexes', 'deleteIndex', 'deleteIndexes', 'dropIndex']);

export class OplogCatalog {
  private readonly entries: Map<string, CollectionMetadata>;
  /**
   * Each command applied, in order, for people: "createIndexes orders (status_1)"; with a `database` to name,
   * "createIndexes shop.orders (status_1)" (a backup of several databases, whose catalogs share the list).
   */
  readonly commands: string[];
  private readonly database: string | undefined;

  constructor(
    dumped: Iterable<[string, CollectionMetadata]>,
    options: { database?: string; commands?: string[] } = {},
  ) {
    this.commands = options.commands ?? [];
    this.database = options.database;
    // Copies: a command changes the catalog, never the dumped metadata it started from.
    this.entries = new Map(
      [...dumped].map(([name, meta]) => [
        name,
        { ...meta, options: { ...meta.options }, indexes: meta.indexes.map((spec) => ({ ...spec })) },
      ]),
    );
  }

  /** The collections and views now, by name. */
  get collections(): ReadonlyMap<string, CollectionMetadata> {
    return this.entries;
  }

  /**
   * Applies one command (an oplog entry's `o`, on the database's `$cmd`) to the catalog, and returns what the
   * server must still run during the replay: the command itself, the command without its index part (collMod), or
   * undefined for an index command, whose index is built after the replay from the catalog.
   */
  apply(o: Document): Document | undefined {
    const command = Object.keys(o)[0] ?? '';
    const name = String(o[command]);
    switch (command) {
      case 'create':
        this.create(name, o);
        this.commands.push(`create ${this.named(name)}`);
        return o;
      case 'drop':
        this.entries.delete(name);
        this.commands.push(`drop ${this.named(name)}`);
        return o;
      case 'dropDatabase':
        this.entries.clear();
        this.commands.push(this.database === undefined ? 'dropDatabase' : `dropDatabase ${this.database}`);
        return o;
      case 'createIndexes':
      case 'commitIndexBuild': {
        const specs = command === 'createIndexes' ? [indexSpec(o)] : ((o.indexes as Document[] | undefined) ?? []);
        const entry = this.entries.get(name);
        for (const spec of specs) {
          if (entry && !entry.indexes.some((i) => i.name === spec.name)) entry.indexes.push(spec);
        }
        this.commands.push(`${command} ${this.named(name)} (${specs.map((s) => String(s.name)).join(', ')})`);
        return undefined;
      }
      case 'collMod':
        return this.collMod(name, o);
      default:
        if (DROP_INDEX_COMMANDS.has(command)) {
          const dropped = this.dropIndexes(name, o.index);
          this.commands.push(`${command} ${this.named(name)} (${dropped.join(', ') || String(o.index)})`);
          return undefined;
        }
        // convertToCapped, emptycapped: no index or option the checks compare changes in a way dbops follows.
        this.commands.push(`${command} ${this.named(name)}`);
        return o;
    }
  }

  private named(collection: string): string {
    return this.database === undefined ? collection : `${this.database}.${collection}`;
  }

  private create(name: string, o: Document): void {
    const options = Object.fromEntries(Object.entries(o).filter(([field]) => !NOT_OPTIONS.has(field)));
    const view = options.viewOn !== undefined;
    this.entries.set(name, {
      options,
      indexes: view ? [] : [(o.idIndex as Document | undefined) ?? DEFAULT_ID_INDEX],
      type: view ? 'view' : 'collection',
    });
  }

  /** The names of the indexes dropped: by name, by key pattern, or all but _id_ ('*'). */
  private dropIndexes(collection: string, index: unknown): string[] {
    const entry = this.entries.get(collection);
    if (!entry) return [];
    const names = Array.isArray(index) ? index.map(String) : undefined;
    const matches = (spec: Document): boolean => {
      if (spec.name === '_id_') return false;
      if (index === '*') return true;
      if (names) return names.includes(String(spec.name));
      if (typeof index === 'string') return spec.name === index;
      return sameKey(spec.key as Document, index as Document);
    };
    const dropped = entry.indexes.filter(matches).map((spec) => String(spec.name));
    entry.indexes = entry.indexes.filter((spec) => !matches(spec));
    return dropped;
  }

  /** Option changes (validator...) go to the server; an index's (expireAfterSeconds, hidden) to its spec here. */
  private collMod(name: string, o: Document): Document | undefined {
    const entry = this.entries.get(name);
    const { index, ...rest } = o;
    if (entry) {
      for (const field of COLLMOD_OPTIONS) if (rest[field] !== undefined) entry.options[field] = rest[field];
      if (index !== undefined) {
        const change = index as Document;
        const spec = entry.indexes.find((i) =>
          change.name !== undefined
            ? i.name === change.name
            : sameKey(i.key as Document, change.keyPattern as Document),
        );
        if (spec) {
          for (const field of ['expireAfterSeconds', 'hidden'] as const) {
            if (change[field] === undefined) continue;
            if (field === 'hidden' && change.hidden === false) delete spec.hidden;
            else spec[field] = change[field];
          }
        }
      }
    }
    const changed = [...COLLMOD_OPTIONS.filter((field) => rest[field] !== undefined), ...(index ? ['index'] : [])];
    this.commands.push(`collMod ${this.named(name)}${changed.length > 0 ? ` (${changed.join(', ')})` : ''}`);
    // Only the collection's own changes are left for the server, if any.
    return Object.keys(rest).length > 1 ? rest : undefined;
  }
}

/** createIndexes' oplog form is the index specification itself, with the collection's name in front. */
function indexSpec(o: Document): Document {
  return Object.fromEntries(Object.entries(o).filter(([field]) => field !== 'createIndexes'));
}

function sameKey(a: Document | undefined, b: Document | undefined): boolean {
  if (!a || !b) return false;
  const left = Object.entries(a);
  const right = Object.entries(b);
  // Int32, Double or number alike: an index kind is compared by its value.
  const kind = (value: unknown) => String((value as { valueOf(): unknown }).valueOf());
  return (
    left.length === right.length &&
    left.every(([field, value], i) => right[i]![0] === field && kind(right[i]![1]) === kind(value))
  );
}

/**
 * The catalogs of the databases an oplog is replayed into, one each, keyed by the database its operations name
 * (`<db>.$cmd`): a backup of several databases has one per database, sharing one list of commands. `label` names a
 * database in the commands (undefined: a backup of one database, its collections named alone).
 */
export class OplogCatalogs {
  readonly commands: string[] = [];
  private readonly catalogs = new Map<string, OplogCatalog>();

  constructor(private readonly label: (database: string) => string | undefined = () => undefined) {}

  /** Starts a database's catalog from its collections as dumped. */
  add(database: string, dumped: Iterable<[string, CollectionMetadata]>): void {
    const name = this.label(database);
    this.catalogs.set(
      database,
      new OplogCatalog(dumped, { commands: this.commands, ...(name !== undefined ? { database: name } : {}) }),
    );
  }

  /** Applies a command on `<database>.$cmd` to its database's catalog (OplogCatalog.apply). */
  apply(ns: string, o: Document): Document | undefined {
    const database = namespaceDatabase(ns);
    if (!this.catalogs.has(database)) this.add(database, []);
    return this.catalogs.get(database)!.apply(o);
  }

  /** Each database's catalog, by the name its operations use. */
  get databases(): ReadonlyMap<string, OplogCatalog> {
    return this.catalogs;
  }
}
