// Starts the real hchatd on a free port for a browser test and stops it.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');

// A port below the kernel's ephemeral range (32768 and up), which it also
// gives to outgoing connections: none of them can take it before the
// daemon binds it.
function freePort() {
  const tryPort = (attempt) => new Promise((resolve, reject) => {
    const port = 20000 + Math.floor(Math.random() * 12768);
    const server = net.createServer();
    server.once('error', () => (attempt < 100 ? resolve(tryPort(attempt + 1))
      : reject(new Error('no free port in 20000-32767'))));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(port)));
  });
  return tryPort(0);
}

// Runs binary with args until it logs that it listens; rejects with its log
// when it exits first or takes over 10 s.
function launch(binary, args) {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error('hchatd did not start:\n' + log)); }, 10000);
    const onData = (chunk) => {
      log += chunk;
      if (log.includes('hchatd listening on')) { clearTimeout(timer); resolve(); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error('hchatd exited with ' + code + ':\n' + log)); });
  });
  return { child, ready, log: () => log };
}

// options: store ('memory' or 'sqlite'), dir (kept across restarts: the
// SQLite file lives there), port (default: a free one).
async function startDaemon(extraConfig = '', options = {}) {
  const binary = process.env.HCHATD_BIN || path.join(root, 'hchatd');
  const ownDir = !options.dir;
  const dir = options.dir || fs.mkdtempSync(path.join(os.tmpdir(), 'hchatd-e2e-'));
  const config = path.join(dir, 'hchatd.conf');
  fs.writeFileSync(config, [
    'http.address = 127.0.0.1',
    `store.kind = ${options.store || 'memory'}`,
    'longpoll.timeout = 5',
    'limits.messagesPerSecond = 0',
    'limits.connectionsPerAddress = 0',
    `http.htmlDir = ${path.join(root, 'html')}`,
    extraConfig,
  ].join('\n'));
  let port, run;
  for (let attempt = 0; ; ++attempt) {
    port = options.port || await freePort();
    run = launch(binary, ['-c', config, '-p', String(port)]);
    try {
      await run.ready;
      break;
    } catch (e) {
      // Something took the port between the probe and the bind: another.
      if (options.port || attempt >= 4 || !run.log().includes('cannot listen')) throw e;
    }
  }
  const { child, log } = run;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    log,
    binary,
    config,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      if (ownDir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function launchOptions() {
  return {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  };
}

const screenshotDir = path.join(__dirname, 'screenshots');
fs.mkdirSync(screenshotDir, { recursive: true });

// A browser context of someone who has joined a room before: the page
// joins at once, as the guest or under the nickname it remembers, instead
// of first asking a newcomer for a name.
async function returningVisitor(browser, options = {}) {
  const context = await browser.newContext(options);
  await context.addInitScript(() => localStorage.setItem('hchat.joined', '1'));
  return context;
}

module.exports = { startDaemon, freePort, launchOptions, screenshotDir, returningVisitor };
