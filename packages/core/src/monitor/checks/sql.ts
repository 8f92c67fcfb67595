/** SQL fragments the checks share: which relations are the user's, and how they are named. */

/** Schemas that hold the user's objects (not the catalogs, TOAST or temporary schemas). `n` is pg_namespace. */
export const USER_SCHEMA = `n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_(toast|temp_)'`;

/** Relations owned by an extension are the extension's business, not the user's. `c` is pg_class. */
export const NOT_EXTENSION_MEMBER = `not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')`;

/** "schema.table", quoted only where needed, for `n` and `c`. */
export const QUALIFIED = `quote_ident(n.nspname) || '.' || quote_ident(c.relname)`;
