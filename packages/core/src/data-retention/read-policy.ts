/**
 * Reads and checks a data-retention policy file. The structure follows docs/retention-policy.schema.json; the checks
 * are written here rather than run through a schema validator because every error must name the rule, the field and
 * the line in the file, and say what the valid form is (ajv is a dev dependency only; the unit tests hold the schema
 * and these checks to the same answers). Then what a schema cannot say: durations in dbops's grammar, `where`
 * filters through PostgreSQL's grammar, unique rule names, and no rule shorter than a minimum on its table.
 */
import type { Document, Node, YAMLMap } from 'yaml';

type Yaml = typeof import('yaml');
import { parseDuration, parseTimeoutMs, readDuration, DURATION_FORM } from '../duration.js';
import { DbopsError, invalidInput } from '../errors.js';
import { readInputFile } from '../files/read-input-file.js';
import { parseSize, SIZE_FORM } from '../size.js';
import { parseLocation } from '../storage/location.js';
import { formatPeriod, type Period, periodAtLeast, shortestSeconds } from './period.js';
import {
  BACKUP_KEEP_KEYS,
  type BackupKeep,
  DEFAULT_MAX_SUBJECT_DOCUMENTS,
  DEFAULT_POLICY_DEFAULTS,
  MAX_SUBJECT_DOCUMENTS_LIMIT,
  qualifiedNameText,
  rulePeriod,
  ruleTable,
  type BackupRotation,
  type CollectionName,
  collectionText,
  type DataRetentionPolicy,
  type DataRule,
  type HoldSource,
  type Minimum,
  type PolicyDefaults,
  type QualifiedName,
  type SoftDeleteThen,
  type SubjectDependant,
  sameTable,
} from './policy.js';
import { checkHoldQuery, loadWhereParser, parseWhereFilter, WhereFilterError } from './where-filter.js';

/** The input that names the file (the retention-purge action's `policy`, the CLI's --policy). */
const INPUT = 'policy';

const TOP_KEYS = ['version', 'defaults', 'holds', 'data', 'minimums', 'backups'];
const DEFAULT_KEYS = [
  'batch-size',
  'max-cascade-rows',
  'lock-timeout',
  'max-replication-lag',
  'max-runtime',
  'sleep',
  'sleep-coefficient',
  'max-slot-wal',
  'max-active-sessions',
  'min-oplog-window',
];
const RULE_KEYS = {
  age: ['name', 'table', 'by', 'keep', 'where', 'archive-to'],
  'soft-delete': ['name', 'table', 'soft-delete', 'grace', 'then', 'anonymize', 'where', 'archive-to'],
  collection: ['name', 'collection', 'by', 'keep', 'archive-to'],
  'collection soft-delete': [
    'name',
    'collection',
    'soft-delete',
    'grace',
    'then',
    'anonymize',
    'dependants',
    'max-subject-documents',
    'archive-to',
  ],
} as const;
const MINIMUM_KEYS = ['table', 'keep-at-least'];
const BACKUP_COUNTS = ['keep-last', 'keep-hourly', 'keep-daily', 'keep-weekly', 'keep-monthly', 'keep-yearly'];
const BACKUP_KEYS = ['from', ...BACKUP_COUNTS, 'keep-within', 'keep-min-verified'];

const PERIOD_FORM = `${DURATION_FORM.replace('ms, s, m, h, d or w', 'ms, s, m, h, d, w or y (a calendar year)')}; m is minutes, not months`;
const TABLE_FORM = 'a table name, schema-qualified or not, e.g. public.audit_logs or audit_logs';
const COLUMN_FORM = 'a column name, e.g. created_at';
const COLLECTION_FORM = 'database.collection, e.g. analytics.events';
const FIELD_FORM = 'a field name or dotted path, not starting with $, e.g. createdAt or meta.createdAt';
/** A document field or dotted path: no $ at the start of a part, no empty part, no spaces. */
const FIELD_PATH = /^[^$\s.][^\s.]*(\.[^$\s.][^\s.]*)*$/;
const DEPENDANT_FORM =
  "a list of { collection: database.collection, field: the field holding the subject's _id }, e.g. - { collection: shop.orders, field: userId }";
const NAME_FORM = 'lowercase letters, digits and "-", starting with a letter, e.g. audit-logs';
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/;
/** The shortest retention period: below it, `6m` meant as six months is the likely mistake. */
const MIN_PERIOD_SECONDS = 3600;

export async function readPolicyFile(path: string): Promise<DataRetentionPolicy> {
  const text = await readInputFile(
    path,
    INPUT,
    'the path of a YAML retention policy, e.g. .github/dbops/retention.yml',
  );
  return parsePolicy(text, path);
}

/** Parses and checks a policy; the first error found is thrown as INVALID_INPUT naming file, line, rule and field. */
export async function parsePolicy(text: string, source: string): Promise<DataRetentionPolicy> {
  // Both imported on use, not at the top: every command's start loaded them (bench/README.md).
  const [yaml] = await Promise.all([import('yaml'), loadWhereParser()]);
  return new PolicyReader(yaml, text, source).read();
}

type Path = (string | number)[];

class PolicyReader {
  private readonly lines: InstanceType<Yaml['LineCounter']>;
  private readonly doc: Document;

  constructor(
    private readonly yaml: Yaml,
    text: string,
    private readonly source: string,
  ) {
    this.lines = new yaml.LineCounter();
    this.doc = yaml.parseDocument(text, { lineCounter: this.lines, uniqueKeys: true, prettyErrors: false });
  }

  read(): DataRetentionPolicy {
    const yamlError = this.doc.errors[0];
    if (yamlError) {
      const line = this.lines.linePos(yamlError.pos[0]).line;
      throw this.error(
        line,
        'the file',
        `is not valid YAML: ${yamlError.message.split('\n')[0]}`,
        'YAML as in docs/retention.md',
      );
    }
    const root = this.doc.contents;
    if (!this.yaml.isMap(root))
      throw this.error(1, 'the file', 'is not a mapping', `top-level keys: ${TOP_KEYS.join(', ')}`);
    this.knownKeys([], TOP_KEYS, 'top-level keys');
    const version = this.value(['version']);
    if (version !== 1)
      throw this.fail(
        ['version'],
        'version',
        `is ${version === undefined ? 'missing' : JSON.stringify(version)}`,
        'version: 1',
      );

    const data = this.list(['data'], 'data');
    const rules = data.map((_, i) => this.rule(i));
    const minimums = this.list(['minimums'], 'minimums').map((_, i) => this.minimum(i));
    const policy: DataRetentionPolicy = {
      version: 1,
      defaults: this.defaults(),
      holds: this.list(['holds'], 'holds').map((_, i) => this.hold(i)),
      data: rules,
      minimums,
    };
    const backups = this.backups();
    if (backups) policy.backups = backups;
    this.checkNames(rules);
    this.checkSubjectRules(rules);
    this.checkMinimums(rules, minimums);
    return policy;
  }

  // --- sections ---

  private defaults(): PolicyDefaults {
    const defaults = { ...DEFAULT_POLICY_DEFAULTS };
    if (this.value(['defaults']) === undefined) return defaults;
    this.mapAt(['defaults'], 'defaults', `keys: ${DEFAULT_KEYS.join(', ')}`);
    this.knownKeys(['defaults'], DEFAULT_KEYS, 'keys of defaults');
    const counts = [
      ['batch-size', 'batchSize', 1_000_000, 5000],
      ['max-cascade-rows', 'maxCascadeRows', 100_000_000, 100_000],
    ] as const;
    for (const [key, field, max, example] of counts) {
      const rows = this.value(['defaults', key]);
      if (rows === undefined) continue;
      if (!Number.isInteger(rows) || (rows as number) < 1 || (rows as number) > max)
        throw this.fail(
          ['defaults', key],
          `defaults.${key}`,
          `is ${JSON.stringify(rows)}`,
          `a whole number of rows from 1 to ${max}, e.g. ${example}`,
        );
      defaults[field] = rows as number;
    }
    const timeouts = [
      ['lock-timeout', 'lockTimeoutMs', '2s'],
      ['max-replication-lag', 'maxReplicationLagMs', '30s'],
      ['max-runtime', 'maxRuntimeMs', '20m'],
    ] as const;
    for (const [key, field, example] of timeouts) {
      const path = ['defaults', key];
      if (this.value(path) === undefined) continue;
      // Read outside guard(): its own error already names the file and line, and guard() would name them again.
      const text = this.text(path, `defaults.${key}`, DURATION_FORM);
      const ms = this.guard(path, `defaults.${key}`, () => parseTimeoutMs(text, INPUT, example));
      if (ms === 0) throw this.fail(path, `defaults.${key}`, 'is 0', `a duration above 0, e.g. ${example}`);
      defaults[field] = ms;
    }
    if (this.value(['defaults', 'sleep']) !== undefined) {
      const path = ['defaults', 'sleep'];
      const text = this.text(path, 'defaults.sleep', DURATION_FORM);
      defaults.sleepMs = this.guard(path, 'defaults.sleep', () => parseTimeoutMs(text, INPUT, '100ms'));
    }
    const coefficient = this.value(['defaults', 'sleep-coefficient']);
    if (coefficient !== undefined) {
      if (typeof coefficient !== 'number' || !(coefficient >= 0 && coefficient <= 100))
        throw this.fail(
          ['defaults', 'sleep-coefficient'],
          'defaults.sleep-coefficient',
          `is ${JSON.stringify(coefficient)}`,
          'a number from 0 to 100: the pause after a batch per unit of its own time, e.g. 0.5 or 2',
        );
      defaults.sleepCoefficient = coefficient;
    }
    const slotWal = this.value(['defaults', 'max-slot-wal']);
    if (slotWal !== undefined) {
      const path = ['defaults', 'max-slot-wal'];
      let bytes: number;
      if (typeof slotWal === 'number') bytes = slotWal;
      else {
        const text = this.text(path, 'defaults.max-slot-wal', SIZE_FORM);
        bytes = this.guard(path, 'defaults.max-slot-wal', () => parseSize(text, INPUT));
      }
      if (!Number.isSafeInteger(bytes) || bytes <= 0)
        throw this.fail(path, 'defaults.max-slot-wal', `is ${JSON.stringify(slotWal)}`, `a size above 0: ${SIZE_FORM}`);
      defaults.maxSlotWalBytes = bytes;
    }
    const sessions = this.value(['defaults', 'max-active-sessions']);
    if (sessions !== undefined) {
      if (!Number.isInteger(sessions) || (sessions as number) < 1 || (sessions as number) > 100_000)
        throw this.fail(
          ['defaults', 'max-active-sessions'],
          'defaults.max-active-sessions',
          `is ${JSON.stringify(sessions)}`,
          'a whole number of sessions from 1 to 100000, e.g. 20',
        );
      defaults.maxActiveSessions = sessions as number;
    }
    if (this.value(['defaults', 'min-oplog-window']) !== undefined) {
      const path = ['defaults', 'min-oplog-window'];
      const field = 'defaults.min-oplog-window';
      const valid = `at least 1s (the oplog's timestamps count whole seconds): ${DURATION_FORM}`;
      const text = this.text(path, field, valid);
      const seconds = readDuration(text);
      if (seconds === undefined) throw this.fail(path, field, `'${text}' is not a duration`, valid);
      if (seconds < 1) throw this.fail(path, field, `is '${text}', less than a second`, valid);
      defaults.minOplogWindowMs = Math.round(seconds * 1000);
    }
    return defaults;
  }

  private hold(i: number): HoldSource {
    const path = ['holds', i];
    const field = `holds[${i}]`;
    const valid =
      'table: schema.table (with columns subject_table, subject_id), query: SELECT subject_table, subject_id FROM ..., or collection: database.collection (MongoDB documents with subject_table, subject_id)';
    this.mapAt(path, field, valid);
    const keys = this.keysOf(path);
    if (keys.length !== 1 || !['table', 'query', 'collection'].includes(keys[0]!))
      throw this.fail(
        path,
        field,
        `has ${keys.length === 0 ? 'no keys' : `the keys ${keys.join(', ')}`}`,
        `exactly one of ${valid}`,
      );
    const line = this.lineOf(path);
    if (keys[0] === 'table')
      return { kind: 'table', table: this.tableName([...path, 'table'], `${field}.table`), line };
    if (keys[0] === 'collection')
      return {
        kind: 'collection',
        collection: this.collectionName([...path, 'collection'], `${field}.collection`),
        line,
      };
    const query = this.text([...path, 'query'], `${field}.query`, valid).trim();
    try {
      checkHoldQuery(query);
    } catch (error) {
      if (!(error instanceof WhereFilterError)) throw error;
      throw this.fail([...path, 'query'], `${field}.query`, error.problem, error.valid);
    }
    return { kind: 'query', query, line };
  }

  private rule(i: number): DataRule {
    const path = ['data', i];
    const nameValue = this.value([...path, 'name']);
    const label = typeof nameValue === 'string' ? `rule '${nameValue}' (data[${i}])` : `rule data[${i}]`;
    const field = (key: string) => `${label} field '${key}'`;
    this.mapAt(path, label, 'a mapping with name, table, by and keep (or soft-delete, or collection)');
    if (typeof nameValue !== 'string' || !/^[a-z][a-z0-9-]*$/.test(nameValue))
      throw this.fail(
        nameValue === undefined ? path : [...path, 'name'],
        field('name'),
        nameValue === undefined ? 'is missing' : `is ${JSON.stringify(nameValue)}`,
        NAME_FORM,
      );
    const keys = this.keysOf(path);
    const kind = keys.includes('collection') ? 'collection' : keys.includes('soft-delete') ? 'soft-delete' : 'age';
    if (kind === 'collection' && keys.includes('table'))
      throw this.fail(
        [...path, 'collection'],
        field('collection'),
        'is set together with table',
        'either table (PostgreSQL) or collection (MongoDB)',
      );
    const keyKind = kind === 'collection' && keys.includes('soft-delete') ? 'collection soft-delete' : kind;
    this.knownKeys(path, RULE_KEYS[keyKind], `keys of a ${kind === 'age' ? 'by + keep' : keyKind} rule`, label);
    const base = { name: nameValue, index: i, line: this.lineOf(path) };
    const archive = this.value([...path, 'archive-to']);
    const extras: { archiveTo?: string; where?: string } = {};
    if (archive !== undefined) {
      const text = this.text(
        [...path, 'archive-to'],
        field('archive-to'),
        's3://bucket/prefix, a directory or artifact://name',
      );
      this.guard([...path, 'archive-to'], field('archive-to'), () => parseLocation(text, INPUT));
      extras.archiveTo = text;
    }
    if (this.value([...path, 'where']) !== undefined) {
      const text = this.text([...path, 'where'], field('where'), 'a SQL boolean expression');
      try {
        extras.where = parseWhereFilter(text).sql;
      } catch (error) {
        if (!(error instanceof WhereFilterError)) throw error;
        throw this.fail([...path, 'where'], field('where'), error.problem, error.valid);
      }
    }

    if (kind === 'collection') {
      const collection = this.collectionName([...path, 'collection'], field('collection'));
      const fieldPath = (key: string) =>
        this.required([...path, key], field(key), FIELD_FORM, (t) => FIELD_PATH.test(t));
      if (keyKind === 'collection soft-delete')
        return {
          kind,
          ...base,
          ...extras,
          collection,
          softDelete: fieldPath('soft-delete'),
          grace: this.period([...path, 'grace'], field('grace')),
          afterGrace: this.thenAction(path, field, 'field'),
          dependants: this.dependants(path, field, collection),
          maxSubjectDocuments: this.maxSubjectDocuments(path, field),
        };
      return {
        kind,
        ...base,
        ...extras,
        collection,
        by: fieldPath('by'),
        keep: this.period([...path, 'keep'], field('keep')),
      };
    }
    const table = this.tableName([...path, 'table'], field('table'));
    if (kind === 'age')
      return {
        kind,
        ...base,
        ...extras,
        table,
        by: this.column([...path, 'by'], field('by')),
        keep: this.period([...path, 'keep'], field('keep')),
      };
    return {
      kind,
      ...base,
      ...extras,
      table,
      softDelete: this.column([...path, 'soft-delete'], field('soft-delete')),
      grace: this.period([...path, 'grace'], field('grace')),
      afterGrace: this.thenAction(path, field),
    };
  }

  /** `then` and `anonymize`; `of` names what anonymize replaces: table columns or (MongoDB) document fields. */
  private thenAction(path: Path, field: (key: string) => string, of: 'column' | 'field' = 'column'): SoftDeleteThen {
    const action = this.value([...path, 'then']);
    const anonymize = this.value([...path, 'anonymize']);
    const form = `then: erase, or then: anonymize with anonymize: { ${of}: replacement, ... } (null clears a ${of})`;
    if (action === 'erase') {
      if (anonymize !== undefined)
        throw this.fail([...path, 'anonymize'], field('anonymize'), 'is set but then is erase', form);
      return { action: 'erase' };
    }
    if (action !== 'anonymize')
      throw this.fail(
        action === undefined ? path : [...path, 'then'],
        field('then'),
        action === undefined ? 'is missing' : `is ${JSON.stringify(action)}`,
        form,
      );
    if (anonymize === undefined)
      throw this.fail([...path, 'then'], field('anonymize'), 'is missing for then: anonymize', form);
    this.mapAt([...path, 'anonymize'], field('anonymize'), form);
    const columns: Record<string, string | number | boolean | null> = {};
    for (const column of this.keysOf([...path, 'anonymize'])) {
      const at = [...path, 'anonymize', column];
      if (of === 'column' && !IDENTIFIER.test(column))
        throw this.fail(at, field(`anonymize.${column}`), 'is not a column name', COLUMN_FORM, true);
      if (of === 'field' && (!FIELD_PATH.test(column) || column === '_id' || column.startsWith('_id.')))
        throw this.fail(
          at,
          field(`anonymize.${column}`),
          column === '_id' || column.startsWith('_id.')
            ? 'is the _id, which MongoDB never changes'
            : 'is not a field name',
          `${FIELD_FORM}, other than _id`,
          true,
        );
      const value = this.value(at);
      if (value !== null && !['string', 'number', 'boolean'].includes(typeof value))
        throw this.fail(
          at,
          field(`anonymize.${column}`),
          `is ${JSON.stringify(value)}`,
          'a replacement: a string, number, true/false or null',
        );
      columns[column] = value as string | number | boolean | null;
    }
    if (Object.keys(columns).length === 0)
      throw this.fail([...path, 'anonymize'], field('anonymize'), 'lists no columns', form);
    return { action: 'anonymize', columns };
  }

  /** A collection soft-delete rule's `dependants`: where other collections hold its subjects' `_id`s. */
  private dependants(path: Path, field: (key: string) => string, own: CollectionName): SubjectDependant[] {
    const list = this.list([...path, 'dependants'], field('dependants'));
    const seen = new Set<string>();
    return list.map((_, i) => {
      const at = [...path, 'dependants', i];
      const key = (k: string) => field(`dependants[${i}]${k ? `.${k}` : ''}`);
      this.mapAt(at, key(''), DEPENDANT_FORM);
      for (const unknown of this.keysOf(at).filter((k) => k !== 'collection' && k !== 'field'))
        throw this.fail(
          [...at, unknown],
          key(unknown),
          'is not a known key',
          `collection and field: ${DEPENDANT_FORM}`,
          true,
        );
      const collection = this.collectionName([...at, 'collection'], key('collection'));
      const holder = this.required(
        [...at, 'field'],
        key('field'),
        `the field of its documents that holds the subject's _id: ${FIELD_FORM}`,
        (t) => FIELD_PATH.test(t),
      );
      const namespace = `${collection.database}.${collection.name}`;
      if (collection.database === own.database && collection.name === own.name)
        throw this.fail(
          [...at, 'collection'],
          key('collection'),
          "is the rule's own collection, whose documents are other subjects",
          `another collection: ${DEPENDANT_FORM}`,
        );
      if (seen.has(`${namespace} ${holder}`))
        throw this.fail(
          at,
          key(''),
          `repeats ${namespace} ${holder}`,
          `each collection and field once: ${DEPENDANT_FORM}`,
        );
      seen.add(`${namespace} ${holder}`);
      return { collection, field: holder, line: this.lineOf(at) };
    });
  }

  /** `max-subject-documents`: how many documents one subject's export or erase may take (all levels together). */
  private maxSubjectDocuments(path: Path, field: (key: string) => string): number {
    const at = [...path, 'max-subject-documents'];
    const value = this.value(at);
    if (value === undefined) return DEFAULT_MAX_SUBJECT_DOCUMENTS;
    if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > MAX_SUBJECT_DOCUMENTS_LIMIT)
      throw this.fail(
        at,
        field('max-subject-documents'),
        `is ${JSON.stringify(value)}`,
        `a whole number of documents from 1 to ${MAX_SUBJECT_DOCUMENTS_LIMIT} (about 100 bytes of memory each), e.g. 5000000`,
      );
    return value as number;
  }

  private minimum(i: number): Minimum {
    const path = ['minimums', i];
    const field = `minimums[${i}]`;
    this.mapAt(path, field, 'table: schema.table and keep-at-least: a duration such as 6y');
    this.knownKeys(path, MINIMUM_KEYS, 'keys of a minimum', field);
    return {
      table: this.tableName([...path, 'table'], `${field}.table`),
      keepAtLeast: this.period([...path, 'keep-at-least'], `${field}.keep-at-least`),
      line: this.lineOf(path),
    };
  }

  private backups(): BackupRotation | undefined {
    if (this.value(['backups']) === undefined) return undefined;
    this.mapAt(['backups'], 'backups', `keys: ${BACKUP_KEYS.join(', ')}`);
    this.knownKeys(['backups'], BACKUP_KEYS, 'keys of backups');
    const from = this.text(['backups', 'from'], 'backups.from', 's3://bucket/prefix, a directory or artifact://name');
    this.guard(['backups', 'from'], 'backups.from', () => parseLocation(from, INPUT));
    const rotation: BackupRotation = { from, line: this.lineOf(['backups'], true), lines: {} };
    for (const [field, key] of Object.entries(BACKUP_KEEP_KEYS) as Array<[BackupKeep, string]>) {
      const value = this.value(['backups', key]);
      if (value === undefined) continue;
      rotation.lines[field] = this.lineOf(['backups', key], true);
      if (field === 'keepWithin') {
        rotation.keepWithin = this.period(['backups', key], `backups.${key}`);
        continue;
      }
      if (!Number.isInteger(value) || (value as number) < 0)
        throw this.fail(
          ['backups', key],
          `backups.${key}`,
          `is ${JSON.stringify(value)}`,
          'a whole number ≥ 0, e.g. 7',
        );
      rotation[field] = value as number;
    }
    return rotation;
  }

  // --- checks across rules ---

  private checkNames(rules: DataRule[]): void {
    const seen = new Map<string, DataRule>();
    for (const rule of rules) {
      const first = seen.get(rule.name);
      if (first)
        throw this.fail(
          ['data', rule.index, 'name'],
          `rule '${rule.name}' (data[${rule.index}]) field 'name'`,
          `repeats the name of data[${first.index}] on line ${first.line}`,
          'a name used by one rule only: receipts and plans are kept per rule name',
        );
      seen.set(rule.name, rule);
    }
  }

  /**
   * One soft-delete rule per collection: its dependants, `then` and max-subject-documents are what a subject of it is
   * (a second one's would be silently left out of every export and erase). PostgreSQL's may be split by `where`.
   */
  private checkSubjectRules(rules: DataRule[]): void {
    const seen = new Map<string, DataRule>();
    for (const rule of rules) {
      if (rule.kind !== 'collection' || !('softDelete' in rule)) continue;
      const key = collectionText(rule.collection);
      const first = seen.get(key);
      if (first)
        throw this.fail(
          ['data', rule.index, 'collection'],
          `rule '${rule.name}' (data[${rule.index}]) field 'collection'`,
          `${key} already has a soft-delete rule: '${first.name}' (data[${first.index}]) on line ${first.line}`,
          'one soft-delete rule per collection, with every dependant listed in it',
        );
      seen.set(key, rule);
    }
  }

  /** A rule may not keep rows for less than a minimum on its table; a soft-delete rule's grace counts as its keep. */
  private checkMinimums(rules: DataRule[], minimums: Minimum[]): void {
    for (const rule of rules) {
      // A collection's minimum names it as database.collection, which reads as schema.table.
      const table =
        ruleTable(rule) ??
        (rule.kind === 'collection' ? { schema: rule.collection.database, name: rule.collection.name } : undefined);
      if (!table) continue;
      const { key, period: keep } = rulePeriod(rule);
      for (const minimum of minimums) {
        if (sameTable(table, minimum.table) && !periodAtLeast(keep, minimum.keepAtLeast)) {
          const floor = formatPeriod(minimum.keepAtLeast);
          // 365d under 1y: shorter only in the years that hold a 29 February; say so, or it reads as a false alarm.
          const leap =
            shortestSeconds(keep) >= shortestSeconds(minimum.keepAtLeast)
              ? ' across a 29 February (a calendar year is 365 or 366 days)'
              : '';
          throw this.fail(
            ['data', rule.index, key],
            `rule '${rule.name}' (data[${rule.index}]) field '${key}'`,
            `(${formatPeriod(keep)}) is shorter than the minimum for ${qualifiedNameText(minimum.table)} on line ${minimum.line} (${floor})${leap}`,
            `a ${key} of at least ${floor}: minimums are compliance floors a rule may not undercut`,
          );
        }
      }
    }
  }

  // --- values ---

  private period(path: Path, field: string): Period {
    const text = this.text(path, field, PERIOD_FORM);
    const period = readPeriod(text);
    if (period === undefined) throw this.fail(path, field, `'${text}' is not a duration`, PERIOD_FORM);
    this.guard(path, field, () => parseDuration(`${shortestSeconds(period)}s`, INPUT));
    if (shortestSeconds(period) < MIN_PERIOD_SECONDS)
      throw this.fail(path, field, `is '${text}', less than an hour`, `at least 1h; ${PERIOD_FORM}`);
    return period;
  }

  private tableName(path: Path, field: string): QualifiedName {
    const text = this.text(path, field, TABLE_FORM);
    const parts = text.split('.');
    if (parts.length > 2 || !parts.every((p) => IDENTIFIER.test(p)))
      throw this.fail(path, field, `is '${text}'`, TABLE_FORM);
    return parts.length === 2 ? { schema: parts[0]!, name: parts[1]! } : { name: parts[0]! };
  }

  private collectionName(path: Path, field: string): CollectionName {
    const text = this.text(path, field, COLLECTION_FORM);
    const match = /^([^./\s"$]+)\.([^\s$]+)$/.exec(text);
    if (!match) throw this.fail(path, field, `is '${text}'`, COLLECTION_FORM);
    return { database: match[1]!, name: match[2]! };
  }

  private column(path: Path, field: string): string {
    return this.required(path, field, COLUMN_FORM, (t) => IDENTIFIER.test(t));
  }

  private required(path: Path, field: string, valid: string, test: (text: string) => boolean): string {
    const text = this.text(path, field, valid);
    if (!test(text)) throw this.fail(path, field, `is '${text}'`, valid);
    return text;
  }

  /** A string value; numbers are refused rather than guessed at (`keep: 30` has no unit). */
  private text(path: Path, field: string, valid: string): string {
    const value = this.value(path);
    if (value === undefined) throw this.fail(path.slice(0, -1), field, 'is missing', valid);
    if (typeof value !== 'string' || value.trim() === '')
      throw this.fail(path, field, `is ${JSON.stringify(value)}`, valid);
    return value;
  }

  private list(path: Path, field: string): unknown[] {
    const value = this.value(path);
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value))
      throw this.fail(path, field, 'is not a list', `a list of entries, each starting with "- "`);
    return value;
  }

  private mapAt(path: Path, field: string, valid: string): void {
    if (!this.yaml.isMap(this.node(path))) throw this.fail(path, field, 'is not a mapping', valid);
  }

  private knownKeys(path: Path, known: readonly string[], what: string, label?: string): void {
    for (const key of this.keysOf(path))
      if (!known.includes(key))
        throw this.fail(
          [...path, key],
          label ? `${label} field '${key}'` : `'${key}'`,
          'is not a known key',
          `${what}: ${known.join(', ')}`,
          true,
        );
  }

  private keysOf(path: Path): string[] {
    const node = this.node(path) as YAMLMap | undefined;
    return (node?.items ?? []).map((pair) => String(this.yaml.isScalar(pair.key) ? pair.key.value : pair.key));
  }

  private value(path: Path): unknown {
    const node = this.node(path);
    return node === undefined ? undefined : (node as Node).toJSON();
  }

  private node(path: Path): Node | undefined {
    if (path.length === 0) return this.doc.contents as Node;
    const parent = this.node(path.slice(0, -1));
    const key = path.at(-1)!;
    if (this.yaml.isMap(parent)) {
      const pair = parent.items.find((p) => (this.yaml.isScalar(p.key) ? p.key.value : p.key) === key);
      return pair?.value as Node | undefined;
    }
    if (this.yaml.isSeq(parent) && typeof key === 'number') return parent.items[key] as Node | undefined;
    return undefined;
  }

  /** The line of a value, or of its key when `atKey` (an unknown key has no meaningful value line). */
  private lineOf(path: Path, atKey = false): number {
    if (path.length > 0) {
      const parent = this.node(path.slice(0, -1));
      if (this.yaml.isMap(parent)) {
        const pair = parent.items.find((p) => (this.yaml.isScalar(p.key) ? p.key.value : p.key) === path.at(-1));
        const node = (atKey ? pair?.key : (pair?.value ?? pair?.key)) as Node | undefined;
        if (node?.range) return this.lines.linePos(node.range[0]).line;
      }
    }
    const node = this.node(path);
    if (node?.range) return this.lines.linePos(node.range[0]).line;
    return path.length > 0 ? this.lineOf(path.slice(0, -1)) : 1;
  }

  /** Runs a check of dbops's own (durations, locations) and re-throws its error with the line and field. */
  private guard<T>(path: Path, field: string, check: () => T): T {
    try {
      return check();
    } catch (error) {
      if (!(error instanceof DbopsError)) throw error;
      const problem = error.message.replace(/^Input 'policy' /, '');
      throw this.fail(path, field, problem, error.hint ?? '');
    }
  }

  private fail(path: Path, field: string, problem: string, valid: string, atKey = false): DbopsError {
    return this.error(this.lineOf(path, atKey), field, problem, valid);
  }

  private error(line: number, field: string, problem: string, valid: string): DbopsError {
    return invalidInput(INPUT, `file ${this.source} line ${line}: ${field} ${problem}`, valid);
  }
}

/**
 * dbops's duration grammar, plus a leading number of calendar years for retention periods: `6y`, `1y30d`. The years
 * stay years (period.ts): 7 calendar years are 2556 or 2557 days, never the 2555 of 7 × 365.
 */
export function readPeriod(text: string): Period | undefined {
  const years = /^\s*(\d+)\s*y\s*(.*)$/i.exec(text);
  if (!years) {
    const seconds = readDuration(text);
    return seconds === undefined ? undefined : { years: 0, seconds };
  }
  const rest = years[2]!.trim() === '' ? 0 : readDuration(years[2]!);
  return rest === undefined ? undefined : { years: Number(years[1]), seconds: rest };
}
