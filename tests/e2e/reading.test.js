// The web client as a product (issue 21), in a real browser against the real
// hchatd: the phone layout, rich text, groups and days, mentions, unread
// count and notifications, the new-messages divider, older history, search,
// typing, private messages across a reload, a newcomer's single notice, the
// index; screenshots in both colour schemes and axe on both pages.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { startDaemon, freePort, launchOptions, screenshotDir, returningVisitor } = require('./daemon');

let daemon;
let browser;
let linePort;

before(async () => {
  linePort = await freePort();
  daemon = await startDaemon(['line.port = ' + linePort, 'chat.recentOnJoin = 30'].join('\n'));
  browser = await chromium.launch(launchOptions());
});

after(async () => {
  if (browser) await browser.close();
  if (daemon) await daemon.stop();
});

async function room(subject, isPublic = false) {
  const r = await fetch(daemon.url + '/chat_create?subject=' + encodeURIComponent(subject) +
    (isPublic ? '&public=1' : ''), { redirect: 'manual' });
  return r.headers.get('location').split('/').pop();
}
async function post(id, text, nick) {
  const body = new URLSearchParams({ text });
  if (nick) body.set('nick', nick);
  const r = await fetch(daemon.url + '/send/' + id, { method: 'POST', body });
  assert.equal(r.status, 200, await r.text());
}
// A person with a page in the room, joined under name (a returning visitor).
async function person(id, name, viewport = { width: 1280, height: 800 }, options = {}) {
  const context = await returningVisitor(browser, Object.assign({ viewport }, options));
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  if (name) await context.addInitScript((n) => localStorage.setItem('hchat.nick', n), name);
  await page.goto(daemon.url + '/chat/' + id);
  await page.getByRole('status').filter({ hasText: /^Live/ }).waitFor();
  return { context, page, errors };
}
const chats = (page) => page.locator('#messages li.msg:not(.notice)');
async function say(page, text) {
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
}
async function axe(page) {
  await page.addScriptTag({ path: require.resolve('axe-core') });
  return page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', '));
  });
}
function lineClient(port) {
  const socket = net.connect(port, '127.0.0.1');
  let buffer = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk) => { buffer += chunk; });
  return {
    send: (line) => socket.write(line + '\r\n'),
    seen: (part) => buffer.includes(part),
    close: () => socket.end(),
  };
}

test('rich text, /me from every transport, groups, days, mentions and own messages', async () => {
  const id = await room('Rich text');
  const ann = await person(id, 'ann');
  const ben = await person(id, 'ben');
  await say(ann.page, '**bold** and *italic* and `code` https://example.org/a?b=1. javascript:alert(1)');
  await say(ann.page, '```\nmake check\n```');
  await say(ann.page, '<img src=x onerror=alert(1)> hey ben, look');
  const first = chats(ben.page).filter({ hasText: 'bold and italic' });
  await first.waitFor();
  assert.equal(await first.locator('strong').innerText(), 'bold');
  assert.equal(await first.locator('em').innerText(), 'italic');
  assert.equal(await first.locator('code').innerText(), 'code');
  const link = first.getByRole('link', { name: 'https://example.org/a?b=1' });
  assert.equal(await link.getAttribute('href'), 'https://example.org/a?b=1');
  assert.equal(await link.getAttribute('rel'), 'noopener noreferrer nofollow');
  assert.equal(await first.getByRole('link').count(), 1); // javascript: stays text
  await chats(ben.page).locator('pre code').filter({ hasText: 'make check' }).waitFor();
  const hostile = chats(ben.page).filter({ hasText: 'hey ben' });
  await hostile.waitFor();
  assert.equal(await ben.page.locator('#messages img').count(), 0);

  // Three messages of one author in a row are one group; ben's mention is marked for ben only.
  assert.equal(await chats(ben.page).nth(0).evaluate((li) => li.classList.contains('cont')), false);
  assert.equal(await chats(ben.page).nth(1).evaluate((li) => li.classList.contains('cont')), true);
  assert.equal(await hostile.evaluate((li) => li.classList.contains('mention')), true);
  const own = chats(ann.page).filter({ hasText: 'hey ben' });
  assert.equal(await own.evaluate((li) => li.classList.contains('mine') && !li.classList.contains('mention')), true);
  await own.getByText('you', { exact: true }).waitFor();
  // A day divider, and local times with the full date on hover.
  await ben.page.locator('.day-divider', { hasText: 'Today' }).first().waitFor();
  const title = await chats(ben.page).first().locator('time').getAttribute('title');
  assert.match(title, new RegExp(String(new Date().getFullYear())));

  // /me from the page, from a WebSocket and from the line protocol.
  await say(ben.page, '/me waves');
  const line = lineClient(linePort);
  line.send('USERNAME linus');
  line.send('JOIN ' + id);
  line.send('/me waves from a terminal');
  await ann.page.evaluate((room) => new Promise((resolve) => {
    const ws = new WebSocket('ws://' + location.host + '/ws/' + room + '?nick=wendy');
    ws.onopen = () => { ws.send(JSON.stringify({ type: 'send', text: '/me waves over a WebSocket' })); setTimeout(resolve, 300); };
  }), id);
  for (const text of ['ben waves', 'linus waves from a terminal', 'wendy waves over a WebSocket']) {
    await ann.page.locator('#messages li.action', { hasText: text }).waitFor();
  }
  line.close();
  // Grouping breaks at another author; a newer message after another author starts a group.
  await say(ann.page, 'after the waves');
  const last = chats(ann.page).last();
  await last.filter({ hasText: 'after the waves' }).waitFor();
  assert.equal(await last.evaluate((li) => li.classList.contains('cont')), false);
  assert.deepEqual(ann.errors.concat(ben.errors), []);
  await ann.page.screenshot({ path: path.join(screenshotDir, 'rich-desktop.png') });
  await Promise.all([ann.context.close(), ben.context.close()]);
});

test('while the tab is hidden: unread count, badge, notifications and a sound for mentions and private messages', async () => {
  const id = await room('Attention');
  const cat = await person(id, 'cat', undefined, { permissions: ['notifications'] });
  // Records what the page asks of the Notification and Web Audio APIs.
  await cat.page.evaluate(() => {
    window.notes = [];
    window.beeps = 0;
    window.Notification = class {
      constructor(title, options) { window.notes.push(title + ' | ' + options.body); }
      close() {}
      static get permission() { return 'granted'; }
      static requestPermission() { return Promise.resolve('granted'); }
    };
    const Real = window.AudioContext;
    window.AudioContext = class extends Real {
      createOscillator() { const o = super.createOscillator(); const start = o.start.bind(o); o.start = (...a) => { window.beeps++; start(...a); }; return o; }
    };
  });
  const toggle = cat.page.getByRole('button', { name: 'Notify me' });
  await toggle.click();
  await cat.page.getByRole('button', { name: 'Notifications on' }).waitFor();
  assert.equal(await cat.page.getByRole('button', { name: 'Notifications on' }).getAttribute('aria-pressed'), 'true');
  const beepsAfterClick = await cat.page.evaluate(() => window.beeps);
  assert.equal(beepsAfterClick, 1); // a sample when turned on

  const hide = (hidden) => cat.page.evaluate((h) => {
    Object.defineProperty(document, 'hidden', { value: h, configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
  await hide(true);
  const dan = await person(id, 'dan');
  await say(dan.page, 'just chatting');
  await say(dan.page, 'hey @cat, lunch?');
  await cat.page.waitForFunction(() => document.title.startsWith('(2) '));
  assert.match(await cat.page.locator('link[rel="icon"]').getAttribute('href'), /^data:image\/svg\+xml,/);
  await dan.page.getByRole('list', { name: 'People online' }).getByRole('button', { name: /cat/ }).click();
  await say(dan.page, 'a secret for you');
  await cat.page.waitForFunction(() => window.notes.length === 2);
  assert.deepEqual(await cat.page.evaluate(() => window.notes),
    ['dan mentioned you | hey @cat, lunch?', 'Private message from dan | a secret for you']);
  assert.equal(await cat.page.evaluate(() => window.beeps), 3);
  assert.match(await cat.page.title(), /^\(3\) Attention — hchat$/);
  // Back in the tab: the count and the badge go; a divider marks where the absence began.
  await hide(false);
  assert.equal(await cat.page.title(), 'Attention — hchat');
  assert.match(await cat.page.locator('link[rel="icon"]').getAttribute('href'), /favicon\.svg$/);
  const marked = cat.page.locator('#messages li', { has: cat.page.locator('.new-divider') });
  await marked.filter({ hasText: 'just chatting' }).waitFor();
  assert.deepEqual(cat.errors, []);
  await Promise.all([cat.context.close(), dan.context.close()]);
});

test('scrolled up: a new-messages divider and a jump button; older history loads above, search jumps to context', async () => {
  const id = await room('Long history');
  for (let i = 0; i < 120; i++) await post(id, (i === 3 ? 'the needle in the hay, ' : '') + 'line ' + i, 'filler');
  const eve = await person(id, 'eve', { width: 1280, height: 800 });
  const page = eve.page;
  const ids = () => page.locator('#messages li[data-id]').evaluateAll((items) => items.map((li) => Number(li.dataset.id)));
  const shown = await ids();
  assert.ok(shown.length >= 30 && shown[0] > 0, 'the recent page first: ' + shown[0]);

  // Scrolled to the top: older history comes above without moving what is read.
  const anchor = page.locator('#messages li[data-id="' + shown[0] + '"]');
  await page.locator('.log-wrap').evaluate((el) => { el.scrollTop = 0; });
  await page.waitForFunction((n) => Number(document.querySelector('#messages li[data-id]').dataset.id) < n, shown[0]);
  const top = await anchor.evaluate((li) => li.getBoundingClientRect().top);
  assert.ok(top > 0, 'the item read before is still in view, not jumped away: ' + top);
  for (let i = 0; i < 10 && !(await page.locator('#history-start').isVisible()); i++) {
    await page.locator('.log-wrap').evaluate((el) => { el.scrollTop = 0; });
    await page.waitForTimeout(300);
  }
  await page.getByText('This is the start of the room.').waitFor();
  const all = await ids();
  assert.deepEqual(all, [...Array(all.length).keys()], 'every entry once, in order');

  // Someone writes while eve reads old messages: a divider, and a button to go back down.
  const fay = await person(id, 'fay');
  await say(fay.page, 'something new below');
  const jump = page.getByRole('button', { name: /1 new message/ });
  await jump.waitFor();
  await page.locator('#messages li', { has: page.locator('.new-divider') }).filter({ hasText: 'something new below' }).waitFor();
  await jump.click();
  await page.waitForFunction(() => {
    const w = document.querySelector('.log-wrap');
    return w.scrollHeight - w.scrollTop - w.clientHeight < 80;
  });
  await jump.waitFor({ state: 'hidden' });
  await page.screenshot({ path: path.join(screenshotDir, 'new-messages-desktop.png') });

  // Search from a fresh page (only the recent page loaded): the result opens in context.
  const gil = await person(id, 'gil', { width: 390, height: 844 });
  await gil.page.getByRole('searchbox', { name: 'Search messages' }).fill('needle hay');
  await gil.page.getByRole('searchbox', { name: 'Search messages' }).press('Enter');
  const hit = gil.page.getByRole('list', { name: 'Search results' }).getByRole('button').first();
  await hit.waitFor();
  assert.equal(await hit.locator('mark').first().innerText(), 'needle');
  await gil.page.screenshot({ path: path.join(screenshotDir, 'search-phone.png') });
  await hit.click();
  const found = gil.page.locator('#messages li[data-id="3"]');
  await found.waitFor();
  assert.ok(await found.evaluate((li) => {
    const r = li.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= window.innerHeight;
  }), 'the found message is in view');
  assert.equal(await found.evaluate((li) => li.classList.contains('flash')), true);
  const none = await fetch(daemon.url + '/api/rooms/' + id + '/search?q=nothing-like-this');
  assert.deepEqual(await none.json(), { results: [], searchedFrom: 0 });
  assert.deepEqual(eve.errors.concat(fay.errors, gil.errors), []);
  await Promise.all([eve.context.close(), fay.context.close(), gil.context.close()]);
});

test('typing is shown to others; private messages stay across a reload for the tab', async () => {
  const id = await room('Typing');
  const hal = await person(id, 'hal');
  const ida = await person(id, 'ida');
  await hal.page.getByRole('textbox', { name: 'Message' }).pressSequentially('I am writ', { delay: 20 });
  await ida.page.getByText('hal is typing…').waitFor();
  await hal.page.getByRole('textbox', { name: 'Message' }).press('Enter');
  await ida.page.getByText('hal is typing…').waitFor({ state: 'hidden' });
  assert.equal(await hal.page.locator('#typing').innerText(), ''); // not one's own

  await hal.page.getByRole('list', { name: 'People online' }).getByRole('button', { name: /ida/ }).click();
  await say(hal.page, 'just between us');
  await ida.page.locator('#messages li.private', { hasText: 'just between us' }).waitFor();
  await ida.page.reload();
  await ida.page.getByRole('status').filter({ hasText: /^Live/ }).waitFor();
  await ida.page.locator('#messages li.private', { hasText: 'just between us' }).waitFor();
  assert.equal(await ida.page.locator('#messages li.private').count(), 1);
  // Kept in the tab, never on the server: another tab of a new session has none.
  const other = await ida.context.newPage();
  await other.goto(daemon.url + '/chat/' + id);
  await other.getByRole('status').filter({ hasText: /^Live/ }).waitFor();
  assert.equal(await other.locator('#messages li.private').count(), 0);
  assert.deepEqual(hal.errors.concat(ida.errors), []);
  await Promise.all([hal.context.close(), ida.context.close()]);
});

test('what is typed while a message is on its way stays in the composer', async () => {
  const id = await room('Quick typists');
  const lea = await person(id, 'lea');
  const page = lea.page;
  // The send is held until the next message is being typed.
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route('**/send/' + id, async (route) => { await held; await route.continue(); });
  await say(page, 'first thought');
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill('second thought');
  release();
  await chats(page).filter({ hasText: 'first thought' }).waitFor();
  await page.waitForTimeout(200); // the send's answer handled
  assert.equal(await box.inputValue(), 'second thought');
  await page.unroute('**/send/' + id);
  await box.press('Enter');
  await chats(page).filter({ hasText: 'second thought' }).waitFor();
  // The message can arrive over the WebSocket before the send is answered;
  // the composer empties when the answer comes.
  await page.waitForFunction(() => document.getElementById('message').value === '');
  assert.deepEqual(lea.errors, []);
  await lea.context.close();
});

test('a message whose answer was lost is sent again and posted once', async () => {
  const id = await room('Flaky network');
  const nia = await person(id, 'nia');
  const page = nia.page;
  // The server stores each send whose answer is to be lost; the page hears nothing.
  const keys = [];
  let lose = 1;
  await page.route('**/send/' + id, async (route) => {
    keys.push(route.request().headers()['idempotency-key']);
    if (lose-- <= 0) return route.continue();
    await route.fetch();
    await route.abort('connectionreset');
  });
  // One answer lost: the page sends again by itself, and it is stored once.
  const replayed = page.waitForResponse((r) => r.url().includes('/send/') &&
    r.headers()['idempotent-replayed'] === 'true');
  await say(page, 'are you there?');
  await replayed;
  await page.waitForFunction(() => document.getElementById('message').value === '');
  assert.equal(keys.length, 2);
  assert.match(keys[0], /^[0-9a-f]{32}$/);
  assert.equal(keys[1], keys[0]);
  // Every answer lost: the text stays, and sent again by hand it is still one message.
  lose = 3;
  await say(page, 'hello?');
  await page.getByText('it will not be posted twice').waitFor();
  await page.screenshot({ path: path.join(screenshotDir, 'send-lost-desktop.png') });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(screenshotDir, 'send-lost-phone.png') });
  await page.setViewportSize({ width: 1280, height: 800 });
  const box = page.getByRole('textbox', { name: 'Message' });
  assert.equal(await box.inputValue(), 'hello?');
  assert.equal(keys.length, 5);
  await page.getByRole('button', { name: 'Send' }).click();
  await page.waitForFunction(() => document.getElementById('message').value === '');
  assert.deepEqual(new Set(keys.slice(2)).size, 1);
  assert.notEqual(keys[2], keys[0]);
  // The same words later are a new message, with a new key.
  await say(page, 'are you there?');
  await page.waitForFunction(() => document.getElementById('message').value === '');
  assert.notEqual(keys[keys.length - 1], keys[0]);
  const r = await fetch(daemon.url + '/api/rooms/' + id + '/messages?from=0');
  const texts = (await r.json()).messages.filter((m) => m.kind === 'message').map((m) => m.text);
  assert.deepEqual(texts, ['are you there?', 'hello?', 'are you there?']);
  await page.unroute('**/send/' + id);
  assert.deepEqual(nia.errors, []);
  await nia.context.close();
});

test('a message taken up for editing before its send is answered stays in the composer', async () => {
  const id = await room('Quick editors');
  const max = await person(id, 'max');
  const page = max.page;
  // The server has the message (so it is shown) but its answer is held.
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route('**/send/' + id, async (route) => {
    const answer = await route.fetch();
    await held;
    await route.fulfill({ response: answer });
  });
  await say(page, 'teh typo');
  const mine = chats(page).filter({ hasText: 'teh typo' });
  await mine.waitFor();
  await mine.getByRole('button', { name: 'Edit message' }).click();
  await page.getByText('Editing your message').waitFor();
  const answered = page.waitForResponse('**/send/' + id);
  release();
  await answered;
  await page.waitForTimeout(200); // the answer handled
  assert.equal(await page.getByRole('textbox', { name: 'Message' }).inputValue(), 'teh typo');
  assert.deepEqual(max.errors, []);
  await max.context.close();
});

test('a newcomer watches, then chooses a name: one arrival, one notice', async () => {
  const id = await room('Newcomers');
  const jo = await person(id, 'jo');
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await page.goto(daemon.url + '/chat/' + id);
  await page.getByText('Welcome!').waitFor();
  await page.getByRole('status').filter({ hasText: /^Watching/ }).waitFor();
  await page.screenshot({ path: path.join(screenshotDir, 'welcome-phone.png') });
  // Watching: live messages arrive, but nobody is told of the newcomer.
  await say(jo.page, 'anyone here?');
  await chats(page).filter({ hasText: 'anyone here?' }).waitFor();
  const online = async () => (await (await fetch(daemon.url + '/api/rooms/' + id)).json()).online;
  assert.deepEqual(await online(), ['jo']);
  await page.getByRole('textbox', { name: 'Nickname' }).fill('kim');
  await page.getByRole('textbox', { name: 'Nickname' }).press('Enter');
  await page.getByRole('status').filter({ hasText: /^Live/ }).waitFor();
  await jo.page.locator('#messages li.notice', { hasText: 'kim joined' }).waitFor();
  const log = await (await fetch(daemon.url + '/api/rooms/' + id + '/messages?from=0')).json();
  const notices = log.messages.filter((m) => m.kind !== 'message').map((m) => m.text);
  assert.deepEqual(notices, ['jo joined', 'kim joined']);
  assert.deepEqual((await online()).sort(), ['jo', 'kim']);
  await say(page, 'hello, I am kim');
  await chats(jo.page).filter({ hasText: 'hello, I am kim' }).waitFor();
  await Promise.all([jo.context.close(), context.close()]);
});

test('the index tells rooms apart and shows this host; pages look right and pass axe in both schemes', async () => {
  const a = await room('Book club', true);
  const b = await room('Book club', true);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
  const page = await context.newPage();
  await page.goto(daemon.url + '/');
  for (const id of [a, b]) {
    await page.getByRole('link', { name: new RegExp('Book club ' + id.slice(0, 6)) }).waitFor();
  }
  const host = new URL(daemon.url).host;
  await page.getByText('curl -d \'hello\' http://' + host + '/send/<room>').waitFor();
  await post(a, 'Chapter 3 tonight?', 'lee');
  // Names of many hues: each must read well (axe's colour-contrast rule).
  for (const name of ['ada', 'bo', 'cyd', 'dee', 'eli', 'fox', 'gus', 'hana', 'ivo', 'jan', 'kai', 'lux']) {
    await post(a, 'hello from ' + name, name);
  }
  const owner = await person(a, 'mo', { width: 1280, height: 800 }, { bypassCSP: true });
  await say(owner.page, 'Yes, **chapter 3** at 8. See https://example.org/club');
  await say(owner.page, 'hey lee, bring the `notes`');
  await owner.page.locator('#messages li.mine', { hasText: 'bring the' }).waitFor();
  for (const scheme of ['light', 'dark']) {
    for (const [name, viewport] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]]) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.setViewportSize(viewport);
      await page.goto(daemon.url + '/');
      await page.screenshot({ path: path.join(screenshotDir, `index-${scheme}-${name}.png`) });
      await owner.page.emulateMedia({ colorScheme: scheme });
      await owner.page.setViewportSize(viewport);
      await owner.page.screenshot({ path: path.join(screenshotDir, `chat-${scheme}-${name}.png`) });
      if (name === 'phone') {
        // The last message is above the composer, the placeholder fits its field.
        const bottoms = await owner.page.evaluate(() => {
          const wrap = document.querySelector('.log-wrap').getBoundingClientRect();
          const last = [...document.querySelectorAll('#messages li')].pop().getBoundingClientRect();
          const field = document.getElementById('message');
          const style = getComputedStyle(field);
          const ctx = document.createElement('canvas').getContext('2d');
          ctx.font = style.font;
          const room = field.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
          return { wrap: wrap.bottom, last: last.bottom, placeholder: ctx.measureText(field.placeholder).width, room };
        });
        assert.ok(bottoms.last <= bottoms.wrap, JSON.stringify(bottoms));
        assert.ok(bottoms.placeholder <= bottoms.room, JSON.stringify(bottoms));
      }
    }
    assert.deepEqual(await axe(page), [], 'index, ' + scheme);
    assert.deepEqual(await axe(owner.page), [], 'chat page, ' + scheme);
  }
  assert.deepEqual(owner.errors, []);
  await Promise.all([context.close(), owner.context.close()]);
});
