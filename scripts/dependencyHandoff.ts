// How soon the second job of a two-job chain starts once the first completes, on this machine,
// 127.0.0.1 only: a fresh server (in-memory SQLite, two workers), demo/sleep jobs of 0 ms. Two
// ways, interleaved: `after` (both jobs created at once, the second waiting) and a client that
// long-polls the first (`GET /v1/jobs/:id?wait=30`) and creates the second when it answers, as
// one would without `after`. The handoff is the second job's startedAt minus the first's
// completedAt, both from the server's clock. Stops by itself.
//   node --import tsx scripts/dependencyHandoff.ts [rounds]
import { jobReaches, startTestServer } from '../test/helpers/server.js';

const rounds = Number(process.argv[2] ?? 100);
const server = await startTestServer({ workers: 2 });
const owner = await server.createAccount({ credits: null });
const create = async (body: Record<string, unknown>) => {
  const created = await server.request('POST', '/v1/jobs', { key: owner.key, body: { type: 'demo/sleep', input: { durationMs: 0 }, ...body } });
  if (created.status !== 201) throw new Error(created.text);
  return created.json.id as string;
};
const finished = (id: string) => jobReaches(server, id, (j) => ['completed', 'failed'].includes(j.status));

/** handoff is the ms from the first job's completion to the second's start. */
async function handoff(first: string, second: string): Promise<number> {
  const [a, b] = [await finished(first), await finished(second)];
  if (a.status !== 'completed' || b.status !== 'completed') throw new Error(`${a.status} / ${b.status}`);
  return b.startedAt!.getTime() - a.completedAt!.getTime();
}
const ways = {
  after: async () => {
    const first = await create({});
    return handoff(first, await create({ after: [first] }));
  },
  client: async () => {
    const first = await create({});
    await server.request('GET', `/v1/jobs/${first}?wait=30`, { key: owner.key });
    return handoff(first, await create({}));
  },
};
const times: Record<keyof typeof ways, number[]> = { after: [], client: [] };
for (let i = 0; i < rounds; i++) for (const way of ['after', 'client'] as const) times[way].push(await ways[way]());
const pick = (list: number[], q: number) => [...list].sort((x, y) => x - y)[Math.min(list.length - 1, Math.floor(q * list.length))]!;
for (const [way, list] of Object.entries(times)) {
  console.log(`${way}: handoff p50 ${pick(list, 0.5)} ms, p90 ${pick(list, 0.9)} ms, max ${Math.max(...list)} ms (${list.length} chains)`);
}
await server.close();
