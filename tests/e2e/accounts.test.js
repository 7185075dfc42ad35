// Accounts in real browsers: register and log in from the page's dialog,
// the mark beside a registered name seen by someone else, the name refused
// to a guest, log out and a wrong password.
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

const chats = (page) => page.locator('#messages li.msg:not(.notice)');

test('register, be marked as registered, keep the name, log out and in', async () => {
  const created = await fetch(daemon.url + '/chat_create?subject=Members&public=1', { redirect: 'manual' });
  const roomUrl = daemon.url + created.headers.get('location');
  const ava = await (await browser.newContext({ viewport: { width: 1200, height: 800 } })).newPage();
  const guest = await (await browser.newContext({ viewport: { width: 390, height: 760 } })).newPage();
  const pageErrors = [];
  for (const p of [ava, guest]) p.on('pageerror', (e) => pageErrors.push(e.message));
  await ava.goto(roomUrl);
  await guest.goto(roomUrl);

  // Register from the dialog: the page comes back logged in.
  await ava.getByRole('button', { name: 'Log in' }).click();
  const dialog = ava.getByRole('dialog', { name: 'Log in or register' });
  await dialog.getByRole('textbox', { name: 'Name' }).fill('Ava');
  await dialog.getByLabel('Password').fill('correct horse battery');
  await ava.screenshot({ path: path.join(screenshotDir, 'account-dialog-desktop.png') });
  await dialog.getByRole('button', { name: 'Register' }).click();
  await ava.getByText('Signed in as').waitFor();
  assert.equal(await ava.getByRole('textbox', { name: 'Nickname' }).inputValue(), 'Ava');
  await ava.getByRole('textbox', { name: 'Message' }).fill('hello, I am registered');
  await ava.getByRole('button', { name: 'Send' }).click();

  // The other browser sees the mark beside the name.
  const line = chats(guest).filter({ hasText: 'hello, I am registered' });
  await line.waitFor();
  assert.equal(await line.getByLabel('registered account').count(), 1);
  // ... and in the list of who is here, under the account's name.
  await guest.getByRole('list', { name: 'People online' }).getByText('Ava', { exact: true }).waitFor();
  await guest.screenshot({ path: path.join(screenshotDir, 'account-mark-phone.png') });

  // The name is Ava's alone: a guest who asks for it is refused.
  await guest.getByRole('textbox', { name: 'Nickname' }).fill('ava');
  await guest.getByRole('textbox', { name: 'Nickname' }).press('Tab');
  await guest.getByText(/taken/).waitFor();
  await guest.getByRole('textbox', { name: 'Message' }).fill('who am I?');
  await guest.getByRole('button', { name: 'Send' }).click();
  const mine = chats(guest).filter({ hasText: 'who am I?' });
  await mine.waitFor();
  assert.equal(await mine.getByLabel('registered account').count(), 0);
  assert.doesNotMatch(await mine.locator('.msg-author').textContent(), /^ava$/i);
  await ava.screenshot({ path: path.join(screenshotDir, 'account-signed-in-desktop.png') });

  // Log out: a guest again. A wrong password is told; the right one logs in.
  await ava.getByRole('button', { name: 'Log out' }).click();
  await ava.getByRole('button', { name: 'Log in' }).waitFor();
  await ava.getByRole('button', { name: 'Log in' }).click();
  await dialog.getByRole('textbox', { name: 'Name' }).fill('ava');
  await dialog.getByLabel('Password').fill('not the password');
  await dialog.getByRole('button', { name: 'Log in' }).click();
  await dialog.getByText('Wrong name or password.').waitFor();
  await dialog.getByLabel('Password').fill('correct horse battery');
  await dialog.getByRole('button', { name: 'Log in' }).click();
  await ava.getByText('Signed in as').waitFor();
  assert.deepEqual(pageErrors, []);
});

// axe-core's audit of the new parts: the dialog open on the chat page, and
// the index page signed in. (The audit is injected: the context lets it
// past the page's Content-Security-Policy.)
test('the log-in dialog and the signed-in header pass axe', async () => {
  const axe = require.resolve('axe-core');
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1200, height: 800 } });
  const page = await context.newPage();
  const created = await fetch(daemon.url + '/chat_create?subject=Audit&public=1', { redirect: 'manual' });
  await page.goto(daemon.url + created.headers.get('location'));
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('dialog', { name: 'Log in or register' }).waitFor();
  const audit = async () => {
    await page.addScriptTag({ path: axe });
    return page.evaluate(async () => {
      const result = await window.axe.run(document, { resultTypes: ['violations'] });
      return result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', '));
    });
  };
  assert.deepEqual(await audit(), []);
  const dialog = page.getByRole('dialog', { name: 'Log in or register' });
  await dialog.getByRole('textbox', { name: 'Name' }).fill('Audrey');
  await dialog.getByLabel('Password').fill('long enough password');
  await dialog.getByRole('button', { name: 'Register' }).click();
  await page.getByText('Signed in as').waitFor();
  await page.goto(daemon.url + '/');
  await page.getByText('Signed in as').waitFor();
  assert.deepEqual(await audit(), []);
  await context.close();
});
