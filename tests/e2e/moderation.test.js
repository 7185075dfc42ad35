// Rooms one owns, in real browsers (SPEC §11): the guest who creates a
// room is shown its owner link once; an author edits their message and
// everyone sees "(edited)"; the owner deletes someone's message and it
// turns into "Message deleted" in every browser; someone who is neither
// author nor owner is offered no delete; the owner kicks and bans from the
// list of people and changes the room's settings; axe passes with the
// menus and the settings dialog shown.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { startDaemon, launchOptions, screenshotDir, returningVisitor } = require('./daemon');

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

async function person(nick, viewport = { width: 1100, height: 720 }, options = {}) {
  const context = await returningVisitor(browser, { viewport, ...options });
  if (nick) await context.addInitScript((n) => localStorage.setItem('hchat.nick', n), nick);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { context, page, errors };
}

const chats = (page) => page.locator('#messages li.msg:not(.notice)');
const live = (page) => page.getByRole('status').filter({ hasText: 'Live' }).waitFor();

async function say(page, text) {
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
}

test('the owner deletes, the author edits, everyone sees it', async () => {
  const owner = await person('olga');
  const bob = await person('bob', { width: 390, height: 760 });
  const carol = await person('carol');
  const o = owner.page, b = bob.page, c = carol.page;

  // Created from this browser: it owns the room, and is shown the link once.
  await o.goto(daemon.url + '/chat_create?subject=' + encodeURIComponent('Moderated room'));
  const note = o.getByRole('region', { name: 'You own this room' });
  await note.waitFor();
  const link = await note.getByRole('textbox', { name: 'Owner link' }).inputValue();
  assert.match(link, /\/chat\/[0-9a-f]{32}\?owner=[0-9a-f]{32}$/);
  assert.doesNotMatch(o.url(), /owner=/);
  await o.screenshot({ path: path.join(screenshotDir, 'owner-link-desktop.png') });
  await note.getByRole('button', { name: 'Done' }).click();
  assert.equal(await note.isVisible(), false);
  const roomUrl = o.url();

  await b.goto(roomUrl);
  await c.goto(roomUrl);
  await Promise.all([live(o), live(b), live(c)]);
  await o.reload();
  assert.equal(await o.getByRole('region', { name: 'You own this room' }).isVisible(), false);
  await live(o);

  // Bob fixes a typo in his own message; everyone sees the new text.
  await say(b, 'buy cheep watches');
  const mine = chats(b).filter({ hasText: 'buy cheep watches' });
  await mine.waitFor();
  await mine.getByRole('button', { name: 'Edit message' }).click();
  assert.equal(await b.getByRole('textbox', { name: 'Message' }).inputValue(), 'buy cheep watches');
  await b.getByText('Editing your message').waitFor();
  await say(b, 'buy cheap watches at example.com');
  for (const p of [o, b, c]) {
    const line = chats(p).filter({ hasText: 'buy cheap watches at example.com' });
    await line.waitFor();
    await line.getByText('(edited)').waitFor();
  }
  assert.equal(await chats(c).filter({ hasText: 'cheep' }).count(), 0);
  await b.screenshot({ path: path.join(screenshotDir, 'edited-phone.png') });

  // Carol is neither its author nor an owner: no delete for her.
  const atCarol = chats(c).filter({ hasText: 'buy cheap watches' });
  assert.equal(await atCarol.getByRole('button', { name: 'Delete message' }).count(), 0);

  // The owner deletes it (two clicks: one slip does not delete).
  const atOwner = chats(o).filter({ hasText: 'buy cheap watches' });
  await atOwner.hover();
  await o.screenshot({ path: path.join(screenshotDir, 'owner-menu-desktop.png') });
  await atOwner.getByRole('button', { name: 'Delete message' }).click();
  await atOwner.getByRole('button', { name: 'Confirm: delete message' }).click();
  for (const p of [o, b, c]) {
    await chats(p).filter({ hasText: 'Message deleted' }).waitFor();
    assert.equal(await chats(p).filter({ hasText: 'cheap watches' }).count(), 0);
  }
  await c.screenshot({ path: path.join(screenshotDir, 'deleted-desktop.png') });

  // ... and bans its author from the message's menu: out, and sending is refused.
  await say(b, 'buy them anyway');
  const again = chats(o).filter({ hasText: 'buy them anyway' });
  await again.hover();
  await again.getByRole('button', { name: 'Ban bob' }).click();
  await again.getByRole('button', { name: 'Confirm: ban bob' }).click();
  await b.getByText('A moderator removed you from this room.').waitFor();
  await c.getByText('olga banned bob for good').waitFor();
  const refused = await b.evaluate(async (room) =>
    (await fetch('/send/' + room, { method: 'POST', body: 'let me back' })).status, roomUrl.split('/').pop());
  assert.equal(refused, 403);

  // A later visitor gets the history as it is now.
  const dave = await person('dave');
  await dave.page.goto(roomUrl);
  await chats(dave.page).filter({ hasText: 'Message deleted' }).waitFor();
  assert.equal(await chats(dave.page).filter({ hasText: 'watches' }).count(), 0);

  // The owner link makes another browser an owner.
  const second = await person('otto');
  await second.page.goto(link);
  await live(second.page);
  await say(c, 'carol was here');
  const atSecond = chats(second.page).filter({ hasText: 'carol was here' });
  await atSecond.waitFor();
  assert.equal(await atSecond.getByRole('button', { name: 'Delete message' }).count(), 1);

  for (const p of [owner, bob, carol, dave, second]) assert.deepEqual(p.errors, []);
  for (const p of [owner, bob, carol, dave, second]) await p.context.close();
});

test('the owner kicks, bans and changes the room', async () => {
  const owner = await person('olive');
  const bob = await person('bert', { width: 390, height: 760 });
  const carol = await person('cleo');
  const o = owner.page, b = bob.page, c = carol.page;
  await o.goto(daemon.url + '/chat_create?subject=' + encodeURIComponent('Kicks and bans') + '&public=1');
  await o.getByRole('region', { name: 'You own this room' }).getByRole('button', { name: 'Done' }).click();
  const roomUrl = o.url();
  await b.goto(roomUrl);
  await c.goto(roomUrl);
  await Promise.all([live(o), live(b), live(c)]);
  const peopleAt = (p) => p.getByRole('list', { name: 'People online' });

  // Carol moderates nothing: no Kick for her.
  await peopleAt(c).getByText('bert', { exact: true }).waitFor();
  assert.equal(await peopleAt(c).getByRole('button', { name: 'Kick bert' }).count(), 0);

  // A kick: bert is told and out; he may come back.
  await peopleAt(o).getByRole('button', { name: 'Kick bert' }).click();
  await b.getByText('A moderator removed you from this room.').waitFor();
  assert.equal(await b.getByRole('textbox', { name: 'Message' }).isDisabled(), true);
  await c.getByText('olive kicked bert').waitFor();
  await b.screenshot({ path: path.join(screenshotDir, 'kicked-phone.png') });
  await b.getByRole('button', { name: 'Rejoin' }).click();
  await live(b);
  assert.equal(await b.getByRole('textbox', { name: 'Message' }).isDisabled(), false);

  // A ban (two clicks): out, and Rejoin says why it cannot.
  await peopleAt(o).getByText('bert', { exact: true }).waitFor();
  await peopleAt(o).getByRole('button', { name: 'Ban bert' }).click();
  await peopleAt(o).getByRole('button', { name: 'Confirm: ban bert' }).click();
  await b.getByText('A moderator removed you from this room.').waitFor();
  await c.getByText('olive banned bert for good').waitFor();
  await b.getByRole('button', { name: 'Rejoin' }).click();
  await b.getByText('You are banned from this room.').waitFor();
  const sent = await b.evaluate(async (room) => (await fetch('/send/' + room, { method: 'POST', body: 'let me in' })).status,
    roomUrl.split('/').pop());
  assert.equal(sent, 403);

  // The owner sees the ban, and lifts it: bert is back.
  const banned = o.getByRole('list', { name: 'Banned' });
  await banned.getByText('bert', { exact: true }).waitFor();
  assert.equal(await c.getByRole('list', { name: 'Banned' }).isVisible(), false);
  await o.screenshot({ path: path.join(screenshotDir, 'banned-list-desktop.png') });
  await banned.getByRole('button', { name: 'Lift the ban on bert' }).click();
  await c.getByText('olive lifted the ban on bert').waitFor();
  await b.getByRole('button', { name: 'Rejoin' }).click();
  await live(b);
  await say(b, 'thanks for letting me back');
  await chats(c).filter({ hasText: 'thanks for letting me back' }).waitFor();

  // The owner's settings: a new subject, members only; everyone sees it.
  // At desktop width the owner's header (link, Room settings, Log in) is one row.
  const top = async (name) => (await o.getByRole('button', { name, exact: true }).boundingBox()).y;
  assert.equal(await top('Log in'), await top('Room settings'));
  assert.equal(await top('Copy link'), await top('Room settings'));
  // And at phone width: the subject on the first row, the three on the second.
  await o.setViewportSize({ width: 390, height: 760 });
  assert.equal(await top('Log in'), await top('Room settings'));
  assert.equal(await top('Copy link'), await top('Room settings'));
  assert.ok((await o.getByRole('heading', { level: 1 }).boundingBox()).y < await top('Copy link'));
  await o.setViewportSize({ width: 1100, height: 720 });
  await o.getByRole('button', { name: 'Room settings' }).click();
  const dialog = o.getByRole('dialog', { name: 'Room settings' });
  await dialog.getByRole('textbox', { name: 'Subject' }).fill('Members lounge');
  await dialog.getByRole('combobox', { name: 'Who may post' }).selectOption('accounts');
  // Moderators are accounts: a name that is none is refused, and nothing is lost.
  await dialog.getByRole('textbox', { name: 'Moderators' }).fill('nobody-here');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.getByText(/no account is called nobody-here/).waitFor();
  await dialog.getByRole('textbox', { name: 'Moderators' }).fill('');
  await o.screenshot({ path: path.join(screenshotDir, 'room-settings-desktop.png') });
  await dialog.getByRole('button', { name: 'Save' }).click();
  await o.getByRole('heading', { name: 'Members lounge' }).waitFor();
  await c.getByRole('heading', { name: 'Members lounge' }).waitFor();
  await say(c, 'can I still talk?');
  await c.getByRole('alert').filter({ hasText: /logged in to an account/ }).waitFor();
  await say(o, 'only members now');
  await chats(c).filter({ hasText: 'only members now' }).waitFor();
  await c.screenshot({ path: path.join(screenshotDir, 'members-only-desktop.png') });

  for (const p of [owner, bob, carol]) assert.deepEqual(p.errors, []);
  for (const p of [owner, bob, carol]) await p.context.close();
});

test('the owner link and the message menus pass axe', async () => {
  const axe = require.resolve('axe-core');
  const owner = await person('ada', { width: 1200, height: 800 }, { bypassCSP: true });
  const page = owner.page;
  await page.goto(daemon.url + '/chat_create?subject=Audit');
  await page.getByRole('region', { name: 'You own this room' }).waitFor();
  await live(page);
  await say(page, 'something to delete');
  await chats(page).filter({ hasText: 'something to delete' }).waitFor();
  await page.getByRole('button', { name: 'Room settings' }).click();
  await page.getByRole('dialog', { name: 'Room settings' }).waitFor();
  await page.addScriptTag({ path: axe });
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', '));
  });
  assert.deepEqual(violations, []);
  assert.deepEqual(owner.errors, []);
  await owner.context.close();
});
