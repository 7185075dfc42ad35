// Starts the real hchatd on a free port for a browser test and stops it.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');

// options: store ('memory' or 'sqlite'), dir (kept across restarts: the
// SQLite file lives there), port (0: any free one).
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
  const child = spawn(binary, ['-c', config, '-p', String(options.port || 0)],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('hchatd did not start:\n' + log)), 10000);
    const onData = (chunk) => {
      log += chunk;
      const m = /listening on http:\/\/[^\s]*:(\d+)/.exec(log);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error('hchatd exited with ' + code + ':\n' + log)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    log: () => log,
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

module.exports = { startDaemon, launchOptions, screenshotDir };
