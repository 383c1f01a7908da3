// A tiny test harness: register tests with test(name, fn), then await run().
// Prints one line per test and a summary line "# <suite>: N passed, M failed"
// that tests/run.sh adds up. Tests run in order; a failing test does not stop the rest.
import assert from 'node:assert/strict';

const tests = [];
export function test(name, fn) {
  tests.push({ name, fn });
}
export { assert };

export async function run(suite) {
  let passed = 0, failed = 0;
  const only = process.env.EDX_TEST_ONLY;
  for (const t of tests) {
    if (only && !t.name.includes(only)) continue;
    const started = Date.now();
    try {
      await t.fn();
      passed++;
      console.log(`ok - ${t.name} (${Date.now() - started} ms)`);
    } catch (e) {
      failed++;
      console.log(`not ok - ${t.name}`);
      const msg = (e && e.stack) ? e.stack : String(e);
      console.log(msg.split('\n').slice(0, 12).map((l) => '  # ' + l).join('\n'));
    }
  }
  console.log(`# ${suite}: ${passed} passed, ${failed} failed`);
  return failed;
}
