/** Files: the store of jobs' output files (an interface) and its local-folder driver. */
export * from './fileStore.js';
export { LocalFileStore } from './localFileStore.js';
