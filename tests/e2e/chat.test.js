// Two people chat in a real browser: headless Debian chromium, driven by
// playwright-core, against the real hchatd.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { startDaemon, launchOptions, screenshotDir } = require('./daemon');

let daemon;
let browser;

before(async () => {
  daemon = await startDaemon();
  browser = await chromium.launch(launchOptions());
});

after(async () => {
  if (browser) await browser.close();
  if (daemon) await daemon.stop();
});

const messages = (page) => page.getByRole('list', { name: 'Messages' }).getByRole('listitem');
// The chat messages, without the join/leave/nick notices between them.
const chats = (page) => page.locator('#messages li.msg:not(.notice)');

test('create a public room, a second browser joins by URL, both talk', async () => {
  const alice = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  const bob = await browser.newContext({ viewport: { width: 390, height: 760 } }); // a phone
  const a = await alice.newPage();
  const b = await bob.newPage();
  const pageErrors = [];
  for (const p of [a, b]) p.on('pageerror', (e) => pageErrors.push(e.message));

  await a.goto(daemon.url + '/');
  await a.getByRole('textbox', { name: 'Subject' }).fill('Friday <b>lunch</b> plans');
  await a.getByRole('checkbox', { name: 'Public' }).check();
  await a.getByRole('button', { name: 'Create' }).click();
  await a.waitForURL(/\/chat\/[0-9a-f]{32}$/);
  const roomUrl = a.url();
  await assert.doesNotReject(a.getByRole('heading', { name: 'Friday <b>lunch</b> plans' }).waitFor());

  // The index lists the public room; Bob follows the link someone shared.
  await b.goto(daemon.url + '/');
  const listed = b.getByRole('link', { name: /Friday <b>lunch<\/b> plans/ });
  await listed.waitFor();
  await b.screenshot({ path: path.join(screenshotDir, 'index-phone.png'), fullPage: true });
  await b.goto(roomUrl);

  await a.getByRole('textbox', { name: 'Nickname' }).fill('alice');
  await a.getByRole('textbox', { name: 'Nickname' }).press('Tab');
  await a.getByRole('textbox', { name: 'Message' }).fill('Hello from Alice');
  await a.getByRole('button', { name: 'Send' }).click();

  await messages(b).filter({ hasText: 'Hello from Alice' }).waitFor();
  await messages(a).filter({ hasText: 'Hello from Alice' }).waitFor();

  await b.getByRole('textbox', { name: 'Nickname' }).fill('bob');
  const bobInput = b.getByRole('textbox', { name: 'Message' });
  await bobInput.fill('Hi Alice! <img src=x onerror=alert(1)> tacos?');
  await bobInput.press('Enter'); // Enter sends
  await messages(a).filter({ hasText: 'tacos?' }).waitFor();
  await messages(b).filter({ hasText: 'tacos?' }).waitFor();

  // Hostile text is shown as text, never as markup.
  assert.equal(await a.locator('#messages img').count(), 0);
  assert.match(await chats(a).last().innerText(), /<img src=x onerror=alert\(1\)> tacos\?/);
  assert.match(await chats(a).last().innerText(), /bob/);

  // Both see the same history in the same order.
  const textsA = await chats(a).allInnerTexts();
  const textsB = await chats(b).allInnerTexts();
  assert.equal(textsA.length, 2);
  assert.equal(textsB.length, 2);
  assert.match(textsA[0], /alice[\s\S]*Hello from Alice/);
  assert.match(textsB[1], /bob[\s\S]*tacos/);

  // A newcomer gets the recent history on open.
  const carol = await browser.newContext();
  const c = await carol.newPage();
  await c.goto(roomUrl);
  await chats(c).nth(1).waitFor();
  assert.equal(await chats(c).count(), 2);

  await a.screenshot({ path: path.join(screenshotDir, 'chat-desktop.png') });
  await b.screenshot({ path: path.join(screenshotDir, 'chat-phone.png') });
  await a.goto(daemon.url + '/');
  await a.screenshot({ path: path.join(screenshotDir, 'index-desktop.png') });
  assert.deepEqual(pageErrors, []);
  await Promise.all([alice.close(), bob.close(), carol.close()]);
});

test('an unknown room shows a 404 page', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const response = await page.goto(daemon.url + '/chat/' + '0'.repeat(32));
  assert.equal(response.status(), 404);
  await page.getByRole('heading', { name: 'Not Found' }).waitFor();
  await page.getByRole('link', { name: 'Back to the rooms' }).waitFor();
  await page.screenshot({ path: path.join(screenshotDir, 'not-found.png') });
  await context.close();
});
