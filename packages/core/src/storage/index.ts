export type { PutOptions, Storage, StoredObject } from './types.js';
export { openStorage, parseLocation, type ArtifactStorageOpener, type Location, type StorageOptions } from './location.js';
export { LocalStorage } from './local.js';
export type { S3Options } from './s3.js';
export { putRecord } from './put-record.js';
