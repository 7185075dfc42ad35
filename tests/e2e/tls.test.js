// The chat page over HTTPS in a real browser (chromium trusting nothing,
// told to ignore the test's self-signed certificate): it goes live over
// wss://, and its cookies are Secure.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { startDaemon, freePort, launchOptions, screenshotDir, returningVisitor } = require('./daemon');

let browser;
let dir;

before(async () => {
  const options = launchOptions();
  options.args.push('--ignore-certificate-errors');
  browser = await chromium.launch(options);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hchatd-e2e-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
    '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
});
after(async () => {
  if (browser) await browser.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('over HTTPS the page goes live over wss:// with Secure cookies', async () => {
  const tlsPort = await freePort();
  const daemon = await startDaemon([
    `tls.port = ${tlsPort}`,
    `tls.certificate = ${path.join(dir, 'cert.pem')}`,
    `tls.privateKey = ${path.join(dir, 'key.pem')}`,
  ].join('\n'));
  try {
    const r = await fetch(daemon.url + '/chat_create?public=1&subject=' +
      encodeURIComponent('Over TLS'), { redirect: 'manual' });
    const room = r.headers.get('location').split('/').pop();
    const https = `https://127.0.0.1:${tlsPort}`;
    for (const size of [{ width: 1280, height: 800, name: 'desktop' },
      { width: 390, height: 844, name: 'phone' }]) {
      const context = await returningVisitor(browser, { viewport: { width: size.width, height: size.height } });
      const page = await context.newPage();
      const sockets = [];
      page.on('websocket', (ws) => sockets.push(ws.url()));
      await page.goto(https + '/chat/' + room);
      await page.getByRole('status').filter({ hasText: 'Live (WebSocket)' }).waitFor();
      assert.ok(sockets.length > 0 && sockets.every((u) => u.startsWith(`wss://127.0.0.1:${tlsPort}/ws/`)),
        sockets.join(', '));
      const text = 'sealed and delivered, ' + size.name;
      await page.getByRole('textbox', { name: 'Message' }).fill(text);
      await page.getByRole('button', { name: 'Send' }).click();
      await page.getByRole('list', { name: 'Messages' }).getByRole('listitem')
        .filter({ hasText: text }).waitFor();
      const plain = await (await fetch(daemon.url + '/api/rooms/' + room + '/messages')).text();
      assert.ok(plain.includes(text), 'the plain port serves the same room');
      const cookies = await context.cookies(https);
      assert.ok(cookies.length > 0, 'the page set cookies');
      for (const c of cookies) assert.ok(c.secure, c.name + ' is Secure');
      await page.screenshot({ path: path.join(screenshotDir, `tls-${size.name}.png`) });
      await context.close();
    }
  } finally {
    await daemon.stop();
  }
});
