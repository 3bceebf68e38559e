// A test reporter that writes one JSON line per suite skipped whole (for example the PostgreSQL
// suites without LONGRUN_TEST_POSTGRES_URL). Node's own summary counts skipped tests only, and a
// suite skipped whole never registers its tests, so without this its "skipped 0" hides them.
// scripts/test.mjs reads the lines and prints them after the run.
export default async function* skippedSuitesReporter(source) {
  for await (const event of source) {
    if (event.type !== 'test:pass' || event.data.skip === undefined) continue;
    if (event.data.details?.type !== 'suite') continue;
    const { name, skip, file } = event.data;
    yield `${JSON.stringify({ name, reason: skip === true ? '' : skip, file })}\n`;
  }
}
