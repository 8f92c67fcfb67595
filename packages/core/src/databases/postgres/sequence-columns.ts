/**
 * A query of the columns each sequence fills, one row per (seq, relid, attnum): its owner in pg_depend (serial: 'a',
 * identity: 'i') and every column whose default calls it (nextval('s'::regclass) makes the default depend on it),
 * owned or not, shared or not. The monitor's sequence check and the maintenance plan both judge a sequence by the
 * narrowest of these columns: a bigint sequence filling an int4 column runs out at 2^31-1.
 */
export const SEQUENCE_COLUMNS = `
  select d.objid as seq, d.refobjid as relid, d.refobjsubid as attnum from pg_depend d
   where d.classid = 'pg_class'::regclass and d.refclassid = 'pg_class'::regclass and d.refobjsubid > 0
     and d.deptype in ('a', 'i')
  union
  select d.refobjid, ad.adrelid, ad.adnum from pg_depend d join pg_attrdef ad on ad.oid = d.objid
   where d.classid = 'pg_attrdef'::regclass and d.refclassid = 'pg_class'::regclass`;
