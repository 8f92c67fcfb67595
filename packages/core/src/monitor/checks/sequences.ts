import { SEQUENCE_COLUMNS } from '../../databases/postgres/sequence-columns.js';
import type { CheckDefinition } from '../check.js';

interface SequenceRow {
  name: string;
  readable: boolean;
  last_value: string | null;
  max_value: string;
  increment_by: string;
  owner_table: string | null;
  owner_column: string | null;
  column_type: string | null;
}

/** The largest value each integer column type can hold: a sequence feeding an int4 column runs out at 2^31-1. */
const COLUMN_MAX: Record<string, number> = {
  smallint: 32_767,
  integer: 2_147_483_647,
  // 2^63-1 rounded to the nearest double: enough for a percentage of the range.
  bigint: Number(2n ** 63n - 1n),
};

function columnMax(row: SequenceRow): number {
  return COLUMN_MAX[row.column_type ?? ''] ?? Number.MAX_VALUE;
}

/** One row per sequence: of the columns it feeds, the one whose type holds the least. */
function narrowestColumn(rows: SequenceRow[]): SequenceRow[] {
  const bySequence = new Map<string, SequenceRow>();
  for (const row of rows) {
    const seen = bySequence.get(row.name);
    if (!seen || columnMax(row) < columnMax(seen)) bySequence.set(row.name, row);
  }
  return [...bySequence.values()];
}

export const sequenceExhaustion: CheckDefinition = {
  id: 'sequence-exhaustion',
  title: 'Sequences near exhaustion',
  why: 'When a sequence reaches the largest value its column can hold, every insert into the table fails.',
  action:
    'Migrate the column to bigint (ALTER TABLE ... ALTER COLUMN ... TYPE bigint, or a new column backfilled in batches) before it runs out.',
  unit: 'ratio',
  direction: 'above',
  warning: 0.75,
  critical: 0.9,
  async run({ query, sample }) {
    // The columns a sequence feeds; the smallest of their types is the limit (narrowestColumn).
    const found = await query<SequenceRow>(
      `with fed as (${SEQUENCE_COLUMNS})
       select quote_ident(s.schemaname) || '.' || quote_ident(s.sequencename) as name,
              has_sequence_privilege(c.oid, 'SELECT,USAGE') as readable,
              s.last_value::text, s.max_value::text, s.increment_by::text,
              quote_ident(tn.nspname) || '.' || quote_ident(t.relname) as owner_table, quote_ident(a.attname) as owner_column,
              format_type(a.atttypid, null) as column_type
       from pg_sequences s
       join pg_namespace n on n.nspname = s.schemaname
       join pg_class c on c.relnamespace = n.oid and c.relname = s.sequencename
       left join fed on fed.seq = c.oid
       left join pg_class t on t.oid = fed.relid
       left join pg_namespace tn on tn.oid = t.relnamespace
       left join pg_attribute a on a.attrelid = fed.relid and a.attnum = fed.attnum`,
    );
    const rows = narrowestColumn(found);
    const unreadable = rows.filter((r) => !r.readable).length;
    const notes =
      unreadable > 0
        ? [
            `${unreadable} of ${rows.length} sequences are not readable by this role (grant SELECT on them, or pg_read_all_data, to check them)`,
          ]
        : [];
    if (rows.length > 0 && unreadable === rows.length) return { observations: [], unknown: notes[0], notes: [] };

    const measured = rows
      .filter((row) => row.readable && row.last_value !== null && Number(row.increment_by) > 0)
      .map((row) => {
        const last = Number(row.last_value);
        const max = Math.min(Number(row.max_value), columnMax(row));
        return { row, last, max };
      })
      .sort((a, b) => b.last / b.max - a.last / a.max);
    sample.sequences = Object.fromEntries(measured.slice(0, 20).map(({ row, last, max }) => [row.name, { last, max }]));
    const observations = measured.map(({ row, last, max }) => ({
      subject: row.name,
      value: last / max,
      detail: `${last} of ${max}${row.owner_table ? ` (${row.owner_table}.${row.owner_column} ${row.column_type})` : ''}`,
      ...(row.owner_table ? { table: row.owner_table } : {}),
    }));
    return { observations, notes };
  },
};
