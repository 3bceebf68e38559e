import type { Scenario } from '../lib/scenario.js';
export const e2e: Scenario = { name: 'e2e', async run() { throw new Error('not written yet'); } };
