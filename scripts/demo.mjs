// `npm start`: VS Code (its server-and-web build) on 127.0.0.1 with this extension loaded and the
// bundled sample wiki open. Prints the address to open in a browser; Ctrl-C stops it.
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureVsCodeServer, freePort, startVsCodeServer } from './vscodeServer.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const port = Number(process.env.PORT) || await freePort();
// Settings and state persist between runs of the demo.
const stateDir = path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'wiki-markdown', 'demo-state');
mkdirSync(stateDir, { recursive: true });

const server = await startVsCodeServer(ensureVsCodeServer(), { port, stateDir });
const payload = [['extensionDevelopmentPath', `vscode-remote://${server.authority}${ROOT}`], ['skipWelcome', 'true']];
const url = `${server.url}?folder=${encodeURIComponent(path.join(ROOT, 'sample'))}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
console.log(`\nWiki Markdown demo: VS Code with the extension and the sample wiki (sample/) is running.\nOpen in a browser:\n\n  ${url}\n\nCtrl-C to stop.`);
const stop = () => { server.stop(); process.exit(0); };
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
