// An operator deletes a room while people are in it: each page says so and
// closes its composer, over the WebSocket and over the event stream alike.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { chromium } = require('playwright-core');
const { startDaemon, launchOptions, screenshotDir, returningVisitor } = require('./daemon');

let daemon;
let browser;

before(async () => {
  daemon = await startDaemon('control.socket = ctl.sock');
  browser = await chromium.launch(launchOptions());
});

after(async () => {
  if (browser) await browser.close();
  if (daemon) await daemon.stop();
});

function ctl(...command) {
  return execFileSync(daemon.binary, ['-c', daemon.config, '--ctl', ...command], { encoding: 'utf8' });
}

test('a room deleted by the operator is closed on every open page', async () => {
  const created = await fetch(daemon.url + '/chat_create?subject=Doomed&public=1', { redirect: 'manual' });
  const roomUrl = daemon.url + created.headers.get('location');
  const id = roomUrl.split('/').pop();

  const desk = await (await returningVisitor(browser, { viewport: { width: 1200, height: 800 } })).newPage();
  const phone = await (await returningVisitor(browser, { viewport: { width: 390, height: 760 } })).newPage();
  // The phone has no WebSocket: it follows the room over the event stream.
  await phone.addInitScript(() => { delete window.WebSocket; });
  const pageErrors = [];
  for (const p of [desk, phone]) p.on('pageerror', (e) => pageErrors.push(e.message));
  await desk.goto(roomUrl);
  await phone.goto(roomUrl);
  await desk.getByText('Live (WebSocket)').waitFor();
  await phone.getByText('Live (event stream)').waitFor();
  await desk.getByRole('textbox', { name: 'Message' }).fill('anyone here?');
  await desk.getByRole('button', { name: 'Send' }).click();
  await phone.locator('#messages li', { hasText: 'anyone here?' }).waitFor();

  assert.match(ctl('rooms'), new RegExp(id + ' public'));
  assert.equal(ctl('delete-room', id), `deleted room ${id} (Doomed)\n`);

  for (const page of [desk, phone]) {
    await page.getByText('This room was deleted. Its messages are gone.').waitFor();
    assert.equal(await page.getByRole('status').textContent(), 'Deleted');
    assert.equal(await page.locator('#messages li').count(), 0);
    assert.equal(await page.getByRole('textbox', { name: 'Message' }).isDisabled(), true);
    assert.equal(await page.getByRole('button', { name: 'Send' }).isDisabled(), true);
  }
  await desk.screenshot({ path: path.join(screenshotDir, 'room-deleted-desktop.png') });
  await phone.screenshot({ path: path.join(screenshotDir, 'room-deleted-phone.png') });

  // It stays so: a reload shows the 410 page, the index no longer lists it.
  const reloaded = await desk.reload();
  assert.equal(reloaded.status(), 410);
  await desk.goto(daemon.url + '/');
  assert.equal(await desk.getByRole('link', { name: /Doomed/ }).count(), 0);
  assert.deepEqual(pageErrors, []);
});
