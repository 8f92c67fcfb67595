/** The dbops version recorded in manifests and shown by the CLI. */
export const DBOPS_VERSION = '0.1.0';
