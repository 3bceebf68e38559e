/**
 * Loops: the two shapes every long-running part of Longrun is built from, below the worker and
 * the maintenance loops that both use them. `SlotFiller` fills bounded slots with claimed work
 * (jobs, webhook deliveries); `PeriodicPass` runs one pass of upkeep on a timer.
 */
export { PeriodicPass, type PassOptions } from './periodicPass.js';
export { SlotFiller, type SlotFillerHooks } from './slotFiller.js';
