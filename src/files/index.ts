/** Files: the store of jobs' output files (an interface), its local-folder and S3 drivers, and body helpers. */
export * from './fileStore.js';
export { boundedChunks, fixedChunks } from './fileBody.js';
export { LocalFileStore } from './localFileStore.js';
export { MIN_PART_BYTES, S3FileStore, type S3Settings } from './s3FileStore.js';
