// The JCS number oracle: edx_jcs_number against Node's own String(x), which is
// ECMAScript Number::toString, the form RFC 8785 prescribes. Over a million
// doubles from a seeded PRNG go to `$BUILD/tests/test_jcs --numbers` as
// 16-hex-digit bit patterns; every output line must equal String(x).
//   BUILD=build node tests/unit/jcs_oracle.mjs      (JCS_ORACLE_SEED=n for other numbers)
// Prints one TAP line per family of numbers and "# jcs-oracle: N passed, M failed",
// where N and M count numbers checked.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.resolve(ROOT, process.env.BUILD || 'build', 'tests/test_jcs');
const SEED = Number(process.env.JCS_ORACLE_SEED || 8785);
const BATCH = 200000;
const MAX_SHOWN = 20;

// sfc32: small, fast and seedable (Math.random is not).
function sfc32(a, b, c, d) {
  return () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
}
const u32 = sfc32(0x9e3779b9, 0x243f6a88, 0xb7e15162, SEED);
for (let i = 0; i < 20; i++) u32();
const rand = () => u32() / 4294967296; // [0, 1)
const randInt = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1)); // inclusive

const view = new DataView(new ArrayBuffer(8));
const fromBits = (hi, lo) => { view.setUint32(0, hi); view.setUint32(4, lo); return view.getFloat64(0); };
const hiOf = (x) => { view.setFloat64(0, x); return view.getUint32(0); };
const loOf = (x) => { view.setFloat64(0, x); return view.getUint32(4); };
const hex = (x) => { view.setFloat64(0, x); return view.getUint32(0).toString(16).padStart(8, '0') + view.getUint32(4).toString(16).padStart(8, '0'); };
const signed = (x) => (u32() & 1 ? -x : x);
// The double k steps (ulps) away from x along the bit patterns, same sign.
function step(x, k) {
  const b = (BigInt(hiOf(x)) << 32n) | BigInt(loOf(x));
  const n = b + BigInt(k);
  return fromBits(Number((n >> 32n) & 0xffffffffn), Number(n & 0xffffffffn));
}
const digits = (n) => { let s = String(randInt(1, 9)); while (s.length < n) s += randInt(0, 9); return s; };

// Families of numbers: [name, count or list, generator].
const families = [
  ['random bit patterns, every exponent', 400000, () => {
    for (;;) {
      const hi = u32();
      if ((hi & 0x7ff00000) !== 0x7ff00000) return fromBits(hi, u32()); // skip NaN and infinities
    }
  }],
  ['subnormals', 50000, () => fromBits((u32() & 0x800fffff) >>> 0, u32())],
  ['integers below 2^53', 50000, () => signed(Math.floor(rand() * 2 ** 53))],
  ['doubles next to 2^53', 10000, (i) => signed(step(2 ** 53, i - 5000))],
  ['doubles next to 2^63', 10000, (i) => signed(step(2 ** 63, i - 5000))],
  ['integers between 2^53 and 2^64', 20000, () => signed(Math.floor(2 ** 53 + rand() * (2 ** 64 - 2 ** 53)))],
  ['doubles next to 1e21, 1e20, 1e-7, 1e-6, 1e-5', 60000, (i) => {
    const anchors = [1e21, 1e20, 1e-7, 1e-6, 1e-5, 999999999999999900000];
    return signed(step(anchors[i % anchors.length], Math.floor(i / anchors.length) - 5000));
  }],
  ['powers of ten and neighbours', (() => {
    const xs = [];
    for (let e = -323; e <= 308; e++) for (let k = -3; k <= 3; k++) xs.push(step(Number(`1e${e}`), k));
    return xs;
  })()],
  ['powers of two and neighbours', (() => {
    const xs = [];
    for (let e = -1074; e <= 1023; e++) for (let k = -2; k <= 2; k++) if (e > -1074 || k >= 0) xs.push(step(2 ** e, k));
    return xs;
  })()],
  ['few digits at every scale', 200000, () => signed(Number(`${digits(randInt(1, 6))}e${randInt(-330, 310)}`))],
  ['15 to 17 digits at every scale', 150000, () => signed(Number(`${digits(randInt(15, 17))}e${randInt(-340, 300)}`))],
  ['uniform in [0, 1) and scaled', 50000, () => signed(rand() * 10 ** randInt(-10, 25))],
  ['zeros and non-finite values', [0, -0, NaN, Infinity, -Infinity]],
];

function expected(x) {
  return Number.isFinite(x) ? String(x) : 'error';
}

let passed = 0, failed = 0, shown = 0;
const started = Date.now();

if (!existsSync(BIN)) {
  console.log(`not ok - the helper ${BIN} is missing (make test-bins)`);
  console.log('# jcs-oracle: 0 passed, 1 failed');
  process.exit(1);
}

// Check one batch of doubles; returns the number of mismatches.
function check(xs) {
  const input = xs.map(hex).join('\n') + '\n';
  const r = spawnSync(BIN, ['--numbers'], { input, maxBuffer: 1 << 28, encoding: 'latin1' });
  if (r.status !== 0 || r.error) {
    console.log(`  # helper exited ${r.status} ${r.error || ''} ${(r.stderr || '').slice(0, 400)}`);
    failed += xs.length;
    return xs.length;
  }
  const lines = r.stdout.split('\n');
  let bad = 0;
  for (let i = 0; i < xs.length; i++) {
    const want = expected(xs[i]);
    if (lines[i] === want) continue;
    bad++;
    if (shown++ < MAX_SHOWN) console.log(`  # ${hex(xs[i])}: expected ${want}, got ${lines[i]}`);
  }
  if (lines.length !== xs.length + 1 || lines[xs.length] !== '') {
    console.log(`  # helper printed ${lines.length - 1} lines for ${xs.length} numbers`);
    bad = Math.max(bad, 1);
  }
  passed += xs.length - bad;
  failed += bad;
  return bad;
}

// Each family of numbers is one test in the suite's count (the numbers are listed below it).
let familiesOk = 0, familiesBad = 0;
for (const [name, spec, gen] of families) {
  const t0 = Date.now();
  let bad = 0, total = 0;
  const count = Array.isArray(spec) ? spec.length : spec;
  for (let at = 0; at < count; at += BATCH) {
    const n = Math.min(BATCH, count - at);
    const xs = Array.isArray(spec) ? spec.slice(at, at + n) : Array.from({ length: n }, (_, i) => gen(at + i));
    bad += check(xs);
    total += n;
  }
  console.log(`${bad ? 'not ok' : 'ok'} - ${name}: ${total - bad}/${total} (${Date.now() - t0} ms)`);
  if (bad) familiesBad++;
  else familiesOk++;
}
if (shown > MAX_SHOWN) console.log(`  # ... ${shown - MAX_SHOWN} more mismatches not shown`);
console.log(`# seed ${SEED}, ${passed + failed} numbers (${failed} wrong) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`# jcs-oracle: ${familiesOk} passed, ${familiesBad} failed`);
process.exit(failed ? 1 : 0);
