// People in a real browser: three browsers (contexts) in one room see who
// is online, join/leave/nick notices styled apart from messages, a private
// message that only its two parties see, a reload that is no leave and
// join, and a nickname refused because someone online has it.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { startDaemon, launchOptions, screenshotDir, returningVisitor } = require('./daemon');

let daemon;
let browser;

before(async () => {
  daemon = await startDaemon('chat.leaveGrace = 1');
  browser = await chromium.launch(launchOptions());
});
after(async () => {
  if (browser) await browser.close();
  if (daemon) await daemon.stop();
});

const items = (page) => page.getByRole('list', { name: 'Messages' }).getByRole('listitem');
const people = (page) => page.getByRole('list', { name: 'People online' }).getByRole('listitem');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function createRoom(subject) {
  const r = await fetch(daemon.url + '/chat_create?subject=' + encodeURIComponent(subject),
    { redirect: 'manual' });
  return daemon.url + r.headers.get('location');
}

// A browser whose remembered nickname is `nick` (as after an earlier visit).
async function person(nick, viewport = { width: 1100, height: 720 }) {
  const context = await returningVisitor(browser, { viewport });
  if (nick) await context.addInitScript((n) => localStorage.setItem('hchat.nick', n), nick);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { context, page, errors };
}

async function onlineNames(page) {
  return page.locator('#people .person-name').allInnerTexts();
}

test('presence, notices and a private message between three browsers', async () => {
  const roomUrl = await createRoom('People test');
  const alice = await person('alice');
  const bob = await person('');
  const carol = await person('carol', { width: 390, height: 760 });
  const a = alice.page, b = bob.page, c = carol.page;

  await a.goto(roomUrl);
  await a.getByRole('status').filter({ hasText: 'Live (WebSocket)' }).waitFor();
  await people(a).filter({ hasText: 'alice' }).waitFor();
  assert.match(await people(a).first().innerText(), /alice\s*\(you\)/);

  // Bob arrives as a guest and picks a name: a join, then a nick notice.
  await b.goto(roomUrl);
  await b.getByRole('status').filter({ hasText: 'Live (WebSocket)' }).waitFor();
  await b.getByRole('textbox', { name: 'Nickname' }).fill('bob');
  await b.getByRole('textbox', { name: 'Nickname' }).press('Tab');
  await items(a).filter({ hasText: /guest-[0-9a-f]{6} is now known as bob/ }).waitFor();
  await c.goto(roomUrl);
  await items(a).filter({ hasText: 'carol joined' }).waitFor();

  // Everyone's list names all three, sorted, each once.
  for (const p of [a, b, c]) {
    await people(p).filter({ hasText: 'carol' }).waitFor();
    await people(p).filter({ hasText: /^bob/ }).waitFor();
    assert.deepEqual(await onlineNames(p), ['alice', 'bob', 'carol']);
  }
  assert.equal(await a.locator('#people-count').innerText(), '3');

  // Notices are styled apart from messages.
  const notice = items(a).filter({ hasText: 'carol joined' });
  assert.match(await notice.getAttribute('class'), /\bnotice\b/);
  assert.match(await notice.getAttribute('class'), /\bkind-join\b/);

  // Bob clicks Alice's name and whispers; only Alice and Bob see it.
  await people(b).filter({ hasText: 'alice' }).getByRole('button').click();
  await b.getByText('Private message to alice').waitFor();
  await b.getByRole('textbox', { name: 'Message' }).fill('psst, the cake is in the fridge');
  await b.getByRole('button', { name: 'Send' }).click();
  const whisperA = items(a).filter({ hasText: 'psst, the cake' });
  await whisperA.waitFor();
  assert.match(await whisperA.innerText(), /private[\s\S]*bob → you/i);
  await items(b).filter({ hasText: 'psst, the cake' }).waitFor(); // the echo
  assert.match(await items(b).filter({ hasText: 'psst, the cake' }).innerText(), /You → alice/);
  // Alice replies from the message itself.
  await whisperA.getByRole('button', { name: 'Reply' }).click();
  await a.getByRole('textbox', { name: 'Message' }).fill('thanks!');
  await a.getByRole('textbox', { name: 'Message' }).press('Enter');
  await items(b).filter({ hasText: 'thanks!' }).waitFor();
  // Alice's own copy is drawn as private: its amber background and bar, not
  // her own messages' accent bar beside it.
  const echo = items(a).filter({ hasText: 'thanks!' });
  await echo.waitFor();
  const look = await echo.evaluate((li) => {
    const s = getComputedStyle(li);
    return { shadow: s.boxShadow, bar: s.borderLeftStyle, background: s.backgroundColor };
  });
  const whisperLook = await whisperA.evaluate((li) => getComputedStyle(li).backgroundColor);
  assert.deepEqual(look, { shadow: 'none', bar: 'solid', background: whisperLook });
  // And back to the room: a normal message everyone sees.
  await a.getByRole('button', { name: 'Back to the room' }).click();
  assert.equal(await a.getByText('Private message to bob').isVisible(), false);
  await a.getByRole('textbox', { name: 'Message' }).fill('Meeting at 3, everyone');
  await a.getByRole('button', { name: 'Send' }).click();
  await items(c).filter({ hasText: 'Meeting at 3' }).waitFor();
  assert.equal(await items(c).filter({ hasText: 'psst' }).count(), 0);
  assert.equal(await items(c).filter({ hasText: 'thanks!' }).count(), 0);
  // Never in the log, for any transport.
  const room = roomUrl.split('/').pop();
  const log = await (await fetch(daemon.url + '/api/rooms/' + room + '/messages')).text();
  assert.ok(!log.includes('psst') && !log.includes('thanks!'));

  await a.screenshot({ path: path.join(screenshotDir, 'people-desktop.png') });
  await c.screenshot({ path: path.join(screenshotDir, 'people-phone.png') });

  // Bob reloads: no leave and join pair, he is still listed.
  const joinsBefore = await items(a).filter({ hasText: ' joined' }).count();
  await b.reload();
  await b.getByRole('status').filter({ hasText: 'Live (WebSocket)' }).waitFor();
  await sleep(2500); // past chat.leaveGrace
  assert.ok(joinsBefore >= 3);
  assert.equal(await items(a).filter({ hasText: 'bob left' }).count(), 0);
  assert.equal(await items(a).filter({ hasText: ' joined' }).count(), joinsBefore);
  assert.deepEqual(await onlineNames(a), ['alice', 'bob', 'carol']);

  // Carol closes her tab: she leaves after the grace period.
  await carol.context.close();
  await items(a).filter({ hasText: 'carol left' }).waitFor();
  assert.match(await items(a).filter({ hasText: 'carol left' }).getAttribute('class'), /kind-leave/);
  await a.waitForFunction(() => document.querySelectorAll('#people .person').length === 2);
  assert.deepEqual(await onlineNames(a), ['alice', 'bob']);

  // A newcomer who wants Alice's name (in another case) is refused.
  const mallory = await person('');
  await mallory.page.goto(roomUrl);
  await mallory.page.getByRole('status').filter({ hasText: 'Live (WebSocket)' }).waitFor();
  await mallory.page.getByRole('textbox', { name: 'Nickname' }).fill('ALICE');
  await mallory.page.getByRole('textbox', { name: 'Nickname' }).press('Tab');
  await mallory.page.getByRole('alert').filter({ hasText: /taken/ }).waitFor();
  assert.equal(await mallory.page.getByRole('textbox', { name: 'Nickname' }).inputValue(), '');
  await mallory.page.getByRole('textbox', { name: 'Message' }).fill('who am I?');
  await mallory.page.getByRole('button', { name: 'Send' }).click();
  const sent = items(a).filter({ hasText: 'who am I?' });
  await sent.waitFor();
  assert.match(await sent.innerText(), /guest-[0-9a-f]{6}/);
  await mallory.page.screenshot({ path: path.join(screenshotDir, 'nick-taken.png') });

  for (const p of [alice, bob, carol, mallory]) assert.deepEqual(p.errors, []);
  await Promise.all([alice.context.close(), bob.context.close(), mallory.context.close()]);
});
