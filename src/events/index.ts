/** Events: the in-process bus of committed job changes. */
export { EventBus, type JobChange, type JobChangeKind } from './bus.js';
