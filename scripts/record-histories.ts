// Copies the histories the workflow tests keep under test-artifacts/histories into test/histories,
// where the replay gate reads them. Run after `npm test` when a workflow change is deliberate
// (and guarded by patched()), then commit the new files beside the old ones.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';

const from = 'test-artifacts/histories';
mkdirSync('test/histories', { recursive: true });
const files = readdirSync(from).filter((f) => f.endsWith('.binpb'));
for (const f of files) copyFileSync(`${from}/${f}`, `test/histories/${f}`);
console.log(`copied ${files.length} histories into test/histories`);
