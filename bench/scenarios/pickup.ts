import type { Scenario } from '../lib/scenario.js';
export const pickup: Scenario = { name: 'pickup', async run() { throw new Error('not written yet'); } };
