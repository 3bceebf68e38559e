import type { Scenario } from '../lib/scenario.js';
export const read: Scenario = { name: 'read', async run() { throw new Error('not written yet'); } };
