// The line protocol meets the browser: a terminal user (a raw TCP socket,
// as nc would be) and a person on the web page share one unlisted room.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { startDaemon, freePort, launchOptions, screenshotDir } = require('./daemon');

let daemon;
let browser;
let linePort;

// A line client: send(line), next(prefix) resolves with the next line that
// starts with prefix.
function connect(port) {
  const socket = net.connect(port, '127.0.0.1');
  let buffer = '';
  const lines = [];
  const waiters = [];
  socket.setEncoding('utf8');
  socket.on('data', (chunk) => {
    buffer += chunk;
    let end;
    while ((end = buffer.indexOf('\r\n')) >= 0) {
      lines.push(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
    }
    waiters.splice(0).forEach((w) => w());
  });
  return {
    send: (line) => socket.write(line + '\r\n'),
    next: (prefix, timeoutMs = 5000) => new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no line starting with ' + prefix)), timeoutMs);
      const look = () => {
        while (lines.length) {
          const line = lines.shift();
          if (line.startsWith(prefix)) { clearTimeout(timer); resolve(line); return; }
        }
        waiters.push(look);
      };
      look();
    }),
    close: () => socket.end(),
  };
}

before(async () => {
  linePort = await freePort();
  daemon = await startDaemon('line.port = ' + linePort);
  browser = await chromium.launch(launchOptions());
});
after(async () => {
  if (browser) await browser.close();
  if (daemon) await daemon.stop();
});

const items = (page) => page.getByRole('list', { name: 'Messages' }).getByRole('listitem');

test('a terminal and a browser in one unlisted room', async () => {
  const r = await fetch(daemon.url + '/chat_create?subject=Terminal+meets+web', { redirect: 'manual' });
  const roomPath = r.headers.get('location');
  const roomId = roomPath.split('/').pop();

  const context = await browser.newContext({ viewport: { width: 1000, height: 640 } });
  await context.addInitScript(() => localStorage.setItem('hchat.nick', 'webby'));
  const page = await context.newPage();
  await page.goto(daemon.url + roomPath);
  await page.getByRole('status').filter({ hasText: 'Live (WebSocket)' }).waitFor();

  const term = connect(linePort);
  term.send('USERNAME termy');
  await term.next('OK Welcome, termy!');
  term.send('JOIN ' + roomId);
  assert.equal(await term.next('OK Joined'), 'OK Joined ' + roomId + ' (1 user)');

  // The terminal's arrival and line appear in the page; it is listed online.
  await items(page).filter({ hasText: 'termy joined' }).waitFor();
  term.send('hello from nc');
  await items(page).filter({ hasText: 'hello from nc' }).waitFor();
  await page.getByRole('list', { name: 'People online' }).getByText('termy').waitFor();

  // The page's message reaches the terminal as a ROOM line.
  await page.getByRole('textbox', { name: 'Message' }).fill('hello from the browser');
  await page.getByRole('button', { name: 'Send' }).click();
  assert.equal(await term.next('ROOM ' + roomId + ' webby'), 'ROOM ' + roomId + ' webby hello from the browser');

  // Private messages both ways.
  term.send('PRIVMSG webby only for you');
  await term.next('OK Sent');
  await items(page).filter({ hasText: 'only for you' }).waitFor();
  await page.getByRole('list', { name: 'People online' }).getByRole('button', { name: /termy/ }).click();
  await page.getByRole('textbox', { name: 'Message' }).fill('and back');
  await page.getByRole('button', { name: 'Send' }).click();
  assert.equal(await term.next('PRIVMSG'), 'PRIVMSG webby and back');

  term.send('QUIT');
  await term.next('OK Goodbye!');
  await items(page).filter({ hasText: 'termy left' }).waitFor();
  await page.screenshot({ path: path.join(screenshotDir, 'terminal-and-web.png') });
  term.close();
  await context.close();
});
