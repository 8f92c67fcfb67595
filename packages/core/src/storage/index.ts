export type { PutOptions, Storage, StoredObject } from './types.js';
export { parseLocation, type Location } from './location.js';
export { openStorage, type ArtifactStorageOpener, type StorageOptions } from './open-storage.js';
export { LocalStorage } from './local.js';
export type { S3Options } from './s3-client.js';
export { putRecord } from './put-record.js';
