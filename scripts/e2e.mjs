// Runs the end-to-end suite (out/e2e, bundled by `build.mjs --e2e`) in a real VS Code: VS Code's
// server-and-web build (npm package code-server, under Node 24) opened in Debian's Chromium via
// playwright-core. The suite runs in the server's Node extension host, where our language server
// runs. After the suite, the rendered editor is checked for our token colours and photographed.
// Exit code: the suite's (0 pass, 1 fail), 1 when the colour check fails, 2 for a setup failure.
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import { format } from 'node:util';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { ensureVsCodeServer, freePort, startVsCodeServer } from './vscodeServer.mjs';
import { ROOT, makeE2eWorkspace } from './e2eWorkspace.mjs';
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const TIMEOUT_S = Number(process.env.E2E_TIMEOUT ?? 300);
/** The pictures the suite cues (`[e2e] cue: take screenshot of NAME`), by name. */
const SCREENSHOTS = ['editor', 'preview', 'graph'];
const screenshotFile = (name) => path.join(ROOT, 'test/e2e/screenshots', `${name}.png`);
/** The colours test/e2e/workspace/.vscode/settings.json gives the link texts of each kind. */
const EXPECTED_COLOURS = { 'DragonFly BSD': 'rgb(79, 193, 255)', Linux: 'rgb(197, 134, 192)', 'Category:操作系统': 'rgb(220, 220, 170)' };

const t0 = Date.now();
const say = (...a) => console.log(`[e2e ${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);

/** Reads the rendered editor: the colour and class of each link text's token. */
async function tokenColours(page) {
  return page.evaluate((texts) => {
    const spans = [...document.querySelectorAll('.monaco-editor .view-line span span')];
    return Object.fromEntries(texts.map((t) => {
      // Monaco draws spaces as no-break spaces.
      const span = spans.find((s) => s.textContent.replace(/\u00a0/g, ' ') === t);
      return [t, span ? { colour: getComputedStyle(span).color, className: span.className } : null];
    }));
  }, Object.keys(EXPECTED_COLOURS));
}

async function main() {
  let vscodeServer;
  let browser;
  const state = mkdtempSync(path.join(os.tmpdir(), 'wikimd-e2e-state-'));
  const workspace = makeE2eWorkspace();
  try {
    const installed = ensureVsCodeServer();
    const port = await freePort();
    vscodeServer = await startVsCodeServer(installed, { port, stateDir: state, verbose: Boolean(process.env.VERBOSE) });
    say(`VS Code server at ${vscodeServer.url}`);
    const remote = (p) => `vscode-remote://${vscodeServer.authority}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(ROOT)],
      ['extensionTestsPath', remote(path.join(ROOT, 'out/e2e/index.js'))],
      ['skipWelcome', 'true'],
    ];
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    });
    const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    const exit = new Promise((resolve) => {
      void page.exposeFunction('codeAutomationExit', (code) => resolve(code));
    });
    // The suite's teardown cues the two looks at the rendered editor while the extension still runs.
    let colours;
    const screenshots = new Map();
    await page.exposeFunction('codeAutomationLog', (level, args) => {
      // Mocha's reporter logs printf-style (`%d passing`); format as its console would.
      const text = Array.isArray(args) ? format(...args) : String(args);
      if (text.includes('[e2e] cue: check colours')) colours = tokenColours(page);
      const cue = /\[e2e\] cue: take screenshot of (\w+)/.exec(text)?.[1];
      if (cue && SCREENSHOTS.includes(cue)) {
        mkdirSync(path.dirname(screenshotFile(cue)), { recursive: true });
        screenshots.set(cue, page.screenshot({ path: screenshotFile(cue) }));
      }
      // The workbench forwards every log line; keep the suite's report and errors, not the noise of a closed network.
      if (/Chat|AgentHost|GitHub|telemetry|marketplace|ENOTFOUND|net::ERR/i.test(text)) return;
      (level === 'error' ? console.error : console.log)(text);
    });
    const url = `${vscodeServer.url}?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    say('opening the workbench');
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    let timer;
    const timeout = new Promise((resolve) => { timer = setTimeout(() => resolve('timeout'), TIMEOUT_S * 1000); });
    const code = await Promise.race([exit, timeout]);
    clearTimeout(timer);
    if (code === 'timeout') {
      console.error(`[e2e] the suite did not finish in ${TIMEOUT_S} s`);
      return 2;
    }
    say(`suite finished with exit code ${code}`);

    const drawn = (await colours) ?? {};
    let coloursOk = colours !== undefined;
    for (const [text, expected] of Object.entries(EXPECTED_COLOURS)) {
      const got = drawn[text];
      const ok = got?.colour === expected;
      coloursOk &&= ok;
      console.log(`${ok ? '  ✔' : '  ✖'} token "${text}": ${got ? `${got.colour} (${got.className})` : 'not rendered'}, expected ${expected}`);
    }
    const classes = new Set(Object.values(drawn).map((c) => c?.className));
    if (classes.size !== Object.keys(EXPECTED_COLOURS).length) coloursOk = false;
    console.log(`${coloursOk ? '  ✔' : '  ✖'} local, wiki and category links are drawn in ${classes.size} different token classes`);

    for (const name of SCREENSHOTS) {
      const file = path.relative(ROOT, screenshotFile(name));
      if (await screenshots.get(name)?.then(() => true, () => false)) say(`screenshot ${file}`);
      else console.error(`[e2e] no screenshot was taken for ${file}`);
    }
    return code === 0 && coloursOk ? 0 : 1;
  } catch (e) {
    console.error(`[e2e] ${e.stack ?? e}`);
    return 2;
  } finally {
    await browser?.close().catch(() => undefined);
    vscodeServer?.stop();
    rmSync(state, { recursive: true, force: true });
    rmSync(workspace, { recursive: true, force: true });
  }
}

process.exitCode = await main();
say(`done, exit ${process.exitCode}`);
