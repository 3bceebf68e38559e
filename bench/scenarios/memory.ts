import type { Scenario } from '../lib/scenario.js';
export const memory: Scenario = { name: 'memory', async run() { throw new Error('not written yet'); } };
