// Prints the closing line CI reads: `tests: N passed, M failed[, K skipped]`.
// If typecheck or lint failed before vitest ran, that failure counts as one failed test.
import { existsSync, readFileSync } from 'node:fs';

const [file, rcText] = process.argv.slice(2);
const rc = Number(rcText ?? '1');
let passed = 0;
let failed = 0;
let skipped = 0;
if (file && existsSync(file)) {
  const r = JSON.parse(readFileSync(file, 'utf8'));
  passed = r.numPassedTests ?? 0;
  failed = r.numFailedTests ?? 0;
  skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  if (rc !== 0 && failed === 0) failed = 1;
} else if (rc !== 0) {
  failed = 1;
}
// Checks run outside vitest, given as `name=exitCode` (e.g. `notebooks=0`), count as one test each.
for (const check of process.argv.slice(4)) {
  const code = Number(check.split('=').pop());
  if (code === 0) passed++;
  else failed++;
}
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
