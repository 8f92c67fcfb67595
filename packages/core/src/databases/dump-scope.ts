/** Which objects a dump covers: include/exclude patterns for namespaces (schemas) and their tables. */
export interface DumpScope {
  schemas: string[];
  excludeSchemas: string[];
  tables: string[];
  excludeTables: string[];
  /** MongoDB: the databases a backup covers (name patterns); none given, the URL's one database. */
  databases?: string[];
  excludeDatabases?: string[];
}

export const FULL_SCOPE: DumpScope = { schemas: [], excludeSchemas: [], tables: [], excludeTables: [] };
