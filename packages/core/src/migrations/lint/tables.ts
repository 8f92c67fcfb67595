/** Tables as a migration names them, and the set of tables the migrations being linted create themselves. */
import type { AstNode } from './parse.js';

export interface TableRef {
  /** Absent when the migration leaves it to search_path. */
  schema?: string;
  name: string;
}

export function tableRef(rangeVar: AstNode | undefined): TableRef | undefined {
  if (!rangeVar?.relname) return undefined;
  return { ...(rangeVar.schemaname ? { schema: rangeVar.schemaname } : {}), name: rangeVar.relname };
}

/** The name as SQL, quoted where needed: for messages and for to_regclass. */
export function tableSql(table: TableRef): string {
  const quote = (name: string) => (/^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`);
  return table.schema ? `${quote(table.schema)}.${quote(table.name)}` : quote(table.name);
}

/**
 * Tables created by the migrations linted so far: locking or rewriting them costs nothing, no one uses them yet.
 * An unqualified name matches any schema (search_path is not known without a database).
 */
export class NewTables {
  private readonly names = new Set<string>();

  add(table: TableRef): void {
    this.names.add(`${table.schema ?? ''}.${table.name}`);
  }

  has(table: TableRef): boolean {
    if (this.names.has(`${table.schema ?? ''}.${table.name}`)) return true;
    if (table.schema === undefined) return [...this.names].some((key) => key.endsWith(`.${table.name}`));
    return this.names.has(`.${table.name}`);
  }
}
