// The same end-to-end suite through @vscode/test-electron, for machines that can download VS Code
// (not these: only npm and apt are reachable here, so `npm test` uses scripts/e2e.mjs). The colour
// check on the rendered editor is the local runner's; this route runs the API-level suite.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { ROOT, makeE2eWorkspace } from './e2eWorkspace.mjs';

const workspace = makeE2eWorkspace();
try {
  await runTests({
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: path.join(ROOT, 'out/e2e/index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
  });
} catch (e) {
  console.error(`e2e (electron): ${e.message ?? e}`);
  process.exitCode = 1;
} finally {
  rmSync(workspace, { recursive: true, force: true });
}
