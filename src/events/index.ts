/** Events: the in-process bus of committed job changes, and the relay of other processes' changes. */
export { EventBus, type JobChange, type JobChangeKind, type JobSignal } from './bus.js';
export { startStoreFeed, type StoreFeedOptions } from './storeFeed.js';
export { logJobChanges } from './jobLog.js';
