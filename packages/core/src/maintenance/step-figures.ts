// How steps state their figures and estimates: one place, so every step reads alike.
import { quoteIdent } from '../databases/postgres/inventory.js';

// Rough throughputs on ordinary disks, for an order of magnitude, not a promise.
export const VACUUM_BYTES_PER_S = 100 * 1024 * 1024;
export const REINDEX_BYTES_PER_S = 30 * 1024 * 1024;
/** A full rewrite: the table copied, then every index built again. */
export const REWRITE_BYTES_PER_S = 40 * 1024 * 1024;
export const SHARE_UPDATE_EXCLUSIVE = 'SHARE UPDATE EXCLUSIVE on the table (reads and writes continue; DDL waits)';

export const seconds = (bytes: number, rate: number) => Math.max(1, Math.ceil(bytes / rate));
export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
export const pct = (ratio: number) => `${(ratio * 100).toFixed(0)}%`;
export const qualified = (schema: string, name: string) => `${quoteIdent(schema)}.${quoteIdent(name)}`;
