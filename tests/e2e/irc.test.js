// IRC with a real client (SPEC §14): irssi, from Debian, driven in tmux
// (send-keys, capture-pane), in the same room as a browser page. Each sees
// the other's messages and actions; the terminal and the page are kept as
// screenshots (the terminal's text drawn in the browser, as a terminal would).
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { startDaemon, freePort, launchOptions, screenshotDir, returningVisitor } = require('./daemon');

let daemon;
let browser;
let ircPort;
let home;
const session = 'hchatd-irc-' + process.pid;

const tmux = (...args) => execFileSync('tmux', args, { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-J', '-t', session);
function type(text) {
  tmux('send-keys', '-t', session, '-l', text);
  tmux('send-keys', '-t', session, 'Enter');
}

// Waits until the terminal shows what test() finds in it.
async function terminalShows(what, seconds = 10) {
  const until = Date.now() + seconds * 1000;
  for (;;) {
    const text = screen();
    if (what.test(text)) return text;
    if (Date.now() > until) throw new Error('the terminal never showed ' + what + ':\n' + text);
    await new Promise((r) => setTimeout(r, 100));
  }
}

before(async () => {
  ircPort = await freePort();
  daemon = await startDaemon('irc.port = ' + ircPort);
  browser = await chromium.launch(launchOptions());
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'hchatd-irssi-'));
  // No theme or startup noise: irssi as a new user has it.
  tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '30',
    'irssi --home=' + home + ' --noconnect -n irene');
});

after(async () => {
  try { tmux('kill-session', '-t', session); } catch (e) { /* gone already */ }
  if (home) fs.rmSync(home, { recursive: true, force: true });
  if (browser) await browser.close();
  if (daemon) await daemon.stop();
});

test('irssi and a browser page in one room see each other', async () => {
  const made = await fetch(daemon.url + '/chat_create?subject=' + encodeURIComponent('Terminal friends'),
    { redirect: 'manual' });
  const id = made.headers.get('location').split('/').pop();

  await terminalShows(/Irssi v/);
  type('/connect 127.0.0.1 ' + ircPort);
  await terminalShows(/End of \/MOTD command/);
  type('/join #' + id);
  await terminalShows(/Topic for #[0-9a-f]+: Terminal friends/);

  const context = await returningVisitor(browser, { viewport: { width: 1280, height: 800 } });
  await context.addInitScript(() => localStorage.setItem('hchat.nick', 'webster'));
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(daemon.url + '/chat/' + id);
  await page.getByRole('status').filter({ hasText: /^Live/ }).waitFor();
  await page.getByRole('list', { name: 'People online' }).getByText('irene').waitFor();
  await terminalShows(/webster \[webster@hchat\] has joined #/);

  // Both ways, with /me.
  type('hello from irssi');
  type('/me waves from a terminal');
  const log = page.locator('#messages');
  await log.locator('li', { hasText: 'hello from irssi' }).waitFor();
  await log.locator('li.action', { hasText: 'irene waves from a terminal' }).waitFor();
  await page.getByRole('textbox', { name: 'Message' }).fill('hello from the web, **irene**');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.getByRole('textbox', { name: 'Message' }).fill('/me waves back');
  await page.getByRole('button', { name: 'Send' }).click();
  const shown = await terminalShows(/\* webster waves back/);
  assert.match(shown, /< ?webster> hello from the web, \*\*irene\*\*/);
  assert.match(shown, /< ?irene> hello from irssi/);

  // A private message from the page reaches the terminal as a query.
  await page.getByRole('list', { name: 'People online' }).getByRole('button', { name: /irene/ }).click();
  await page.getByRole('textbox', { name: 'Message' }).fill('just for you');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.locator('#messages li.private', { hasText: 'just for you' }).waitFor();
  type('/window 3'); // irssi opens a query window for it
  await terminalShows(/< ?webster> just for you/);

  // The log has one history for both.
  const history = await (await fetch(daemon.url + '/api/rooms/' + id + '/messages?from=0')).json();
  const said = history.messages.filter((m) => m.kind === 'message').map((m) => m.author + ': ' + m.text);
  assert.deepEqual(said, ['irene: hello from irssi', 'irene: /me waves from a terminal',
    'webster: hello from the web, **irene**', 'webster: /me waves back']);

  await page.screenshot({ path: path.join(screenshotDir, 'irc-page-desktop.png') });
  type('/window 2');
  const terminal = await terminalShows(/webster waves back/);
  // The terminal as it looks: its text in a monospace terminal-coloured page.
  const shot = await browser.newPage({ viewport: { width: 920, height: 560 } });
  await shot.setContent('<body style="margin:0;background:#1e1e1e"><pre id="t" style="margin:0;padding:12px;' +
    'color:#e6e6e6;font:15px/1.2 monospace"></pre></body>');
  await shot.locator('#t').evaluate((el, text) => { el.textContent = text; }, terminal);
  await shot.screenshot({ path: path.join(screenshotDir, 'irc-irssi-terminal.png') });
  await shot.close();
  assert.deepEqual(errors, []);
  await context.close();
});
