// Bundles the extension client, the language server and the CLI with esbuild;
// with --tests also bundles every test/**/*.test.ts to out/test for node's test runner
// (Node 20 cannot run TypeScript itself); with --e2e the VS Code suite to out/e2e.
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const production = process.argv.includes('--production');
const withTests = process.argv.includes('--tests');
const withE2e = process.argv.includes('--e2e');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  minify: production,
  logLevel: 'warning',
};

await Promise.all([
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] }),
  build({ ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js' }),
  build({ ...common, entryPoints: ['server/src/workspace/scanWorker.ts'], outfile: 'dist/scanWorker.js' }),
  build({ ...common, entryPoints: ['server/src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
  // The graph webview's own script, for the browser: the only script its content security policy lets in.
  build({ ...common, entryPoints: ['client/src/graphView.ts'], outfile: 'dist/graph.js', platform: 'browser', target: 'es2022', format: 'iife' }),
]);

if (withE2e) {
  // The suite runs inside VS Code's extension host: `vscode` is provided there, mocha is loaded from node_modules.
  rmSync('out/e2e', { recursive: true, force: true });
  await build({
    ...common,
    entryPoints: ['test/e2e/suite/index.ts', 'test/e2e/suite/extension.test.ts'],
    outdir: 'out/e2e',
    external: ['vscode', 'mocha'],
  });
}

if (withTests) {
  rmSync('out/test', { recursive: true, force: true });
  const entries = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'fixtures' && entry.name !== 'e2e') walk(path);
      else if (entry.name.endsWith('.test.ts')) entries.push(path);
    }
  };
  walk('test');
  await build({
    ...common,
    entryPoints: entries,
    outdir: 'out/test',
    outbase: 'test',
    packages: 'external',
  });
}
