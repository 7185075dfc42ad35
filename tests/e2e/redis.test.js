// The page on a daemon whose store is a real redis-server (SPEC §12): a
// search stops after 10,000 messages there, and the page offers to search
// the older ones.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { startDaemon, freePort, launchOptions, screenshotDir, returningVisitor } = require('./daemon');

let redis;
let redisDir;
let daemon;
let browser;

// redis-server on 127.0.0.1 and a free port, in a folder of its own,
// without persistence: ready once it answers PING.
async function startRedis() {
  redisDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hchatd-e2e-redis-'));
  const port = await freePort();
  redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', redisDir,
    '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const ping = spawn('redis-cli', ['-p', String(port), 'ping'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    ping.stdout.on('data', (d) => { out += d; });
    await new Promise((resolve) => ping.on('exit', resolve));
    if (out.trim() === 'PONG') return port;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('redis-server did not start');
}

before(async () => {
  const port = await startRedis();
  daemon = await startDaemon(['store.kind = redis', 'redis.address = 127.0.0.1:' + port].join('\n'));
  browser = await chromium.launch(launchOptions());
});

after(async () => {
  if (browser) await browser.close();
  if (daemon) await daemon.stop();
  if (redis) {
    const exited = new Promise((resolve) => redis.on('exit', resolve));
    redis.kill('SIGTERM');
    await exited;
  }
  if (redisDir) fs.rmSync(redisDir, { recursive: true, force: true });
});

async function post(id, text) {
  const r = await fetch(daemon.url + '/send/' + id, { method: 'POST', body: new URLSearchParams({ text, nick: 'ann' }) });
  assert.equal(r.status, 200, await r.text());
}

test('a search over more than 10,000 messages goes on to the older ones when asked', async () => {
  const created = await fetch(daemon.url + '/chat_create?subject=Busy', { redirect: 'manual' });
  const id = created.headers.get('location').split('/').pop();
  await post(id, 'the old needle');
  for (let i = 0; i < 10100; i += 50) {
    await Promise.all(Array.from({ length: 50 }, (_, k) => post(id, 'hay ' + (i + k))));
  }
  await post(id, 'a fresh needle');

  const context = await returningVisitor(browser, { viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(daemon.url + '/chat/' + id);
  await page.getByRole('status').filter({ hasText: /^Live/ }).waitFor();
  const box = page.getByRole('searchbox', { name: 'Search messages' });
  await box.fill('needle');
  await box.press('Enter');
  const status = page.locator('#search-status');
  await status.filter({ hasText: '1 message found so far' }).waitFor();
  const hits = page.getByRole('list', { name: 'Search results' }).getByRole('button');
  assert.deepEqual(await hits.allInnerTexts().then((t) => t.map((x) => x.split('\n').pop())), ['a fresh needle']);
  const older = page.getByRole('button', { name: 'Search older messages' });
  await older.waitFor();
  await page.screenshot({ path: path.join(screenshotDir, 'search-older-desktop.png') });
  await page.setViewportSize({ width: 390, height: 844 });
  await older.waitFor();
  await page.screenshot({ path: path.join(screenshotDir, 'search-older-phone.png') });
  await page.setViewportSize({ width: 1280, height: 800 });

  await older.click();
  await status.filter({ hasText: /^2 messages found$/ }).waitFor();
  await older.waitFor({ state: 'hidden' });
  assert.match(await hits.nth(1).innerText(), /the old needle/);
  // A new search starts over from the newest; one stopped by the limit
  // of 30 goes on below the last found.
  await box.fill('hay 3');
  await box.press('Enter');
  await status.filter({ hasText: '30 messages found so far' }).waitFor();
  await older.click();
  await status.filter({ hasText: '60 messages found so far' }).waitFor();
  const numbers = await hits.allInnerTexts().then((t) => t.map((x) => Number(x.split(' ').pop())));
  assert.equal(new Set(numbers).size, 60, 'no result twice');
  assert.deepEqual(errors, []);
  await context.close();
});
