// The chat page's live transports in a real browser: WebSocket first, then
// Server-Sent Events, then the long poll; and a daemon restart in the
// middle of a conversation, after which nothing is missing or doubled.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { startDaemon, launchOptions, screenshotDir, returningVisitor } = require('./daemon');

let browser;

before(async () => { browser = await chromium.launch(launchOptions()); });
after(async () => { if (browser) await browser.close(); });

const items = (page) => page.getByRole('list', { name: 'Messages' }).getByRole('listitem');

async function createRoom(url, subject) {
  const r = await fetch(url + '/chat_create?public=1&subject=' + encodeURIComponent(subject),
    { redirect: 'manual' });
  return r.headers.get('location').split('/').pop();
}
async function post(url, room, text) {
  const r = await fetch(url + '/send/' + room, { method: 'POST', body: text });
  assert.equal(r.status, 200, await r.text());
}
async function shownIds(page) {
  return page.locator('#messages li').evaluateAll((lis) => lis.map((li) => Number(li.dataset.id)));
}

test('each transport in turn: WebSocket, then SSE, then long poll', async () => {
  const daemon = await startDaemon();
  try {
    const room = await createRoom(daemon.url, 'transports');
    const cases = [
      { label: 'WebSocket', setup: async () => {} },
      { label: 'event stream', setup: async (p) => p.addInitScript(() => { delete window.WebSocket; }) },
      { label: 'long poll', setup: async (p) => {
        await p.addInitScript(() => { delete window.WebSocket; });
        await p.route('**/events/**', (route) => route.abort());
      } },
    ];
    let n = 0;
    for (const c of cases) {
      const context = await returningVisitor(browser);
      const page = await context.newPage();
      await c.setup(page);
      await page.goto(daemon.url + '/chat/' + room);
      await page.getByRole('status').filter({ hasText: 'Live (' + c.label + ')' }).waitFor();
      const text = 'over the ' + c.label + ' #' + n++;
      await post(daemon.url, room, text);
      await items(page).filter({ hasText: text }).waitFor();
      // And what the page itself sends comes back over the same transport.
      await page.getByRole('textbox', { name: 'Message' }).fill('typed, ' + c.label);
      await page.getByRole('button', { name: 'Send' }).click();
      await items(page).filter({ hasText: 'typed, ' + c.label }).waitFor();
      const ids = await shownIds(page);
      assert.deepEqual(ids, [...new Set(ids)].sort((a, b) => a - b), 'in order, each once');
      await context.close();
    }
  } finally {
    await daemon.stop();
  }
});

test('the daemon restarts mid-conversation: no gap, no duplicate', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hchatd-e2e-restart-'));
  let daemon = await startDaemon('', { store: 'sqlite', dir });
  const port = daemon.port;
  const url = daemon.url;
  const context = await returningVisitor(browser, { viewport: { width: 1000, height: 700 } });
  try {
    const room = await createRoom(url, 'restart');
    for (let i = 0; i < 3; i++) await post(url, room, 'before ' + i);
    const page = await context.newPage();
    await page.goto(url + '/chat/' + room);
    await page.getByRole('status').filter({ hasText: 'Live (WebSocket)' }).waitFor();
    await items(page).filter({ hasText: 'before 2' }).waitFor();

    await daemon.stop();
    await page.getByRole('status').filter({ hasText: 'Reconnecting' }).waitFor();
    daemon = await startDaemon('', { store: 'sqlite', dir, port });
    for (let i = 0; i < 3; i++) await post(url, room, 'after ' + i);

    await items(page).filter({ hasText: 'after 2' }).waitFor({ timeout: 20000 });
    await page.getByRole('status').filter({ hasText: 'Live (WebSocket)' }).waitFor();
    // Every entry once, in order: the 6 messages and the page's arrivals
    // (a restarted daemon has forgotten who was online, so it joins again).
    const ids = await shownIds(page);
    assert.deepEqual(ids, ids.map((_, i) => i));
    assert.equal(await page.locator('#messages li.msg:not(.notice)').count(), 6);
    await page.screenshot({ path: path.join(screenshotDir, 'after-restart.png') });
  } finally {
    await context.close();
    await daemon.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
