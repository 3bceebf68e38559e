/** Store: the interface every driver implements, and `openStore` to pick a driver by URL. */
export type * from './types.js';
export { openStore, parseDbUrl } from './open.js';
