import type { CheckDefinition } from '../check.js';

/** 2: critical, 1: warning, 0: worth knowing (listed in the details, not a finding). */
type Level = 0 | 1 | 2;

interface SettingRow {
  name: string;
  setting: string;
  unit: string | null;
}

interface SettingRule {
  name: string;
  /** The level for this value, or undefined when the value is fine. */
  judge(row: SettingRow): Level | undefined;
  advice: string;
}

const off = (level: Level) => (row: SettingRow) => (row.setting === 'off' ? level : undefined);

/** Key settings worth a look: the ones that lose data, blind monitoring, or are left at a default that rarely fits. */
export const SETTING_RULES: SettingRule[] = [
  { name: 'fsync', judge: off(2), advice: 'fsync=off can corrupt the whole cluster on a crash; turn it on.' },
  {
    name: 'full_page_writes',
    judge: off(2),
    advice: 'full_page_writes=off can leave torn pages after a crash; turn it on.',
  },
  {
    name: 'autovacuum',
    judge: off(2),
    advice: 'without autovacuum, tables bloat and transaction IDs run towards wraparound; turn it on.',
  },
  {
    name: 'track_counts',
    judge: off(2),
    advice: 'track_counts=off blinds autovacuum and most of this report; turn it on.',
  },
  {
    name: 'synchronous_commit',
    judge: off(0),
    advice: 'synchronous_commit=off may lose the last commits on a crash (no corruption); fine if intended.',
  },
  {
    name: 'idle_in_transaction_session_timeout',
    judge: (r) => (r.setting === '0' ? 0 : undefined),
    advice: 'no limit on idle transactions; consider e.g. 10min.',
  },
  {
    name: 'log_min_duration_statement',
    judge: (r) => (r.setting === '-1' ? 0 : undefined),
    advice: 'slow statements are not logged; consider e.g. 1s.',
  },
  // shared_buffers is counted in 8 kB pages: 16384 is the 128MB default, rarely right for a production server.
  {
    name: 'shared_buffers',
    judge: (r) => (Number(r.setting) <= 16384 ? 0 : undefined),
    advice: 'shared_buffers is at most the 128MB default; about 25% of RAM is usual.',
  },
  {
    name: 'random_page_cost',
    judge: (r) => (Number(r.setting) >= 4 ? 0 : undefined),
    advice: 'random_page_cost 4 assumes spinning disks; 1.1 suits SSDs.',
  },
];

export const settings: CheckDefinition = {
  id: 'settings',
  title: 'Key settings',
  why: 'A few settings decide whether a crash loses data and whether autovacuum and statistics work at all.',
  action: 'Change the setting in postgresql.conf (or with ALTER SYSTEM) and reload or restart as the setting requires.',
  unit: 'flag',
  direction: 'above',
  warning: 1,
  critical: 2,
  async run({ query }) {
    const rows = await query<SettingRow>(`select name, setting, unit from pg_settings where name = any($1)`, [
      SETTING_RULES.map((r) => r.name),
    ]);
    const byName = new Map(rows.map((r) => [r.name, r]));
    const observations = [];
    for (const rule of SETTING_RULES) {
      const row = byName.get(rule.name);
      const level = row ? rule.judge(row) : undefined;
      if (row && level !== undefined) {
        observations.push({
          subject: rule.name,
          value: level,
          display: `${row.setting}${row.unit ? ` ${row.unit}` : ''}`,
          detail: `${rule.name} = ${row.setting}${row.unit ? ` (${row.unit})` : ''}: ${rule.advice}`,
        });
      }
    }
    return { observations };
  },
};
