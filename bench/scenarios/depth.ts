import type { Scenario } from '../lib/scenario.js';
export const depth: Scenario = { name: 'depth', async run() { throw new Error('not written yet'); } };
