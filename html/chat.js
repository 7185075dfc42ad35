// hchat chat page: shows the recent history, then follows the room live:
// over a WebSocket (/ws/<id>), else Server-Sent Events (/events/<id>), else
// the hchatd long poll (/msg/<id>/<n>). Whatever the transport, the page
// asks for "from the next message I have not shown", so after a dropped
// connection or a daemon restart nothing is missed and nothing is shown
// twice. Older history loads above when scrolling up (?before=), search
// jumps to a message in its context. Every user text goes into the page
// as DOM nodes (richtext.js), never as HTML.
// Beside the log: who is online (presence frames; polled on the long-poll
// fallback), who is writing (typing frames), and private messages (sent
// over the WebSocket, received on the WebSocket or the event stream),
// which are never part of the log and are kept for this tab's session only.
// A newcomer chooses a name before joining, so their arrival is one notice.
'use strict';

(function () {
  const body = document.body;
  const roomId = body.dataset.room;
  const recent = parseInt(body.dataset.recent, 10) || 0;
  const maxBytes = parseInt(body.dataset.maxBytes, 10) || 4096;
  const guestName = body.dataset.guest || '';
  const role = body.dataset.role || 'person'; // what this browser is to the room (SPEC §11)
  const moderates = role !== 'person';
  const editWindowMs = (parseInt(body.dataset.editWindow, 10) || 0) * 1000;
  const rich = window.hchatRichText;
  const attention = window.hchatAttention;
  const NICK_KEY = 'hchat.nick';
  const JOINED_KEY = 'hchat.joined'; // this browser has joined a room before
  const PRIVATE_KEY = 'hchat.private.' + roomId;
  const NICK_RULE = /^[A-Za-z0-9_.-]{1,32}$/;
  const GROUP_MS = 5 * 60 * 1000; // one author's messages within this read as one group
  const OLDER_PAGE = 50;
  const PLACEHOLDER = 'Write a message…';

  const list = document.getElementById('messages');
  const logWrap = list.parentElement;
  const empty = document.getElementById('empty');
  const historyStart = document.getElementById('history-start');
  const form = document.getElementById('composer');
  const input = document.getElementById('message');
  const nickInput = document.getElementById('nickname');
  const statusEl = document.getElementById('status');
  const errorEl = document.getElementById('send-error');
  const shareInput = document.getElementById('share-url');
  const copyButton = document.getElementById('copy');
  const peopleList = document.getElementById('people');
  const peopleCount = document.getElementById('people-count');
  const privateBar = document.getElementById('private-to');
  const privateName = document.getElementById('private-name');
  const editingBar = document.getElementById('editing');
  const welcome = document.getElementById('welcome');
  const jumpButton = document.getElementById('jump');
  const typingEl = document.getElementById('typing');

  let account = null; // the account this page is logged in to (account.js)
  let next = 0; // the number of the next message to show
  let first = null; // the number of the earliest entry shown; older ones load above
  let atStart = false; // nothing older is kept
  let socket = null; // the open WebSocket, when following over one
  let privateTo = ''; // the name private messages go to; '' = the room
  let editing = null; // the number of the message being edited, or null
  let joined = false; // following the room (present in it)
  const shown = new Map(); // message number → the message object shown for it

  // ---- the owner link, shown once to the guest who owns the room ----
  if (new URLSearchParams(location.search).has('owner')) {
    history.replaceState(null, '', location.pathname); // not left in the address bar
  }
  const ownerLink = body.dataset.ownerLink;
  const OWNER_KEY = 'hchat.ownerLinkShown.' + roomId;
  if (ownerLink && !localStorage.getItem(OWNER_KEY)) {
    localStorage.setItem(OWNER_KEY, '1');
    const note = document.getElementById('owner-note');
    const field = document.getElementById('owner-link');
    field.value = location.origin + ownerLink;
    note.hidden = false;
    document.getElementById('owner-copy').addEventListener('click', async (e) => {
      try { await navigator.clipboard.writeText(field.value); } catch (err) { field.select(); document.execCommand('copy'); }
      e.target.textContent = 'Copied!';
    });
    document.getElementById('owner-done').addEventListener('click', () => { note.hidden = true; input.focus(); });
  }

  // ---- share link ----
  shareInput.value = location.origin + '/chat/' + roomId;
  copyButton.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(shareInput.value);
    } catch (e) {
      shareInput.select();
      document.execCommand('copy');
    }
    copyButton.textContent = 'Copied!';
    setTimeout(() => { copyButton.textContent = 'Copy link'; }, 1500);
  });

  // ---- nickname, remembered in the browser ----
  // The server keeps names unique among the people online: a name someone
  // has is refused (a WebSocket error frame, or 409 on send), and the page
  // goes back to the name it had.
  nickInput.value = localStorage.getItem(NICK_KEY) || '';
  let acceptedNick = nickInput.value;
  nickInput.addEventListener('change', () => {
    const nick = nickInput.value.trim();
    nickInput.value = nick;
    if (nick === '' || NICK_RULE.test(nick)) {
      localStorage.setItem(NICK_KEY, nick);
      showError('');
      if (nick && socket && socket.readyState === WebSocket.OPEN) {
        socket.send(JSON.stringify({ type: 'nick', nick: nick }));
      }
      acceptedNick = nick;
      if (nick && !joined) join();
    } else {
      showError('A nickname is 1 to 32 letters, digits, "_", "-" or ".".');
    }
  });
  nickInput.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      if (!joined || nickInput.value.trim() !== acceptedNick) nickInput.dispatchEvent(new Event('change'));
      if (joined) input.focus();
    }
  });
  function nickRefused(message) {
    showError(message || 'That nickname is taken: someone online has it, or it is registered. Choose another.');
    const previous = acceptedNick === nickInput.value ? '' : acceptedNick;
    nickInput.value = previous;
    acceptedNick = previous;
    localStorage.setItem(NICK_KEY, previous);
    renderPeople(lastPeople);
  }
  // Joined, a stream names its person; before that it only watches the
  // room (watch=1: not in it, nothing announced).
  function nickQuery() {
    if (!joined) return '&watch=1';
    const nick = nickInput.value.trim();
    return NICK_RULE.test(nick) ? '&nick=' + encodeURIComponent(nick) : '';
  }
  function myName() {
    if (account) return account;
    const nick = nickInput.value.trim();
    return NICK_RULE.test(nick) ? nick : guestName;
  }
  // Logged in, the name is the account's: the field shows it and is fixed.
  function useAccount(me) {
    account = me.account || null;
    if (!account) return;
    nickInput.value = account;
    nickInput.readOnly = true;
    nickInput.title = 'Your account\'s name (log out to use another)';
  }

  // An element with its class and, if given, its text (never HTML).
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // ---- rendering ----
  // A name's colour is a hue; the stylesheet picks a lightness that reads
  // well (WCAG AA) in the light and the dark scheme.
  function hueFor(name) {
    let h = 0;
    for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) % 360;
    return String(h);
  }
  function clock(iso) {
    const d = new Date(iso);
    return isNaN(d) ? '' : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }
  function fullTime(iso) {
    const d = new Date(iso);
    return isNaN(d) ? '' : d.toLocaleString([], { dateStyle: 'full', timeStyle: 'short' });
  }
  function timeElement(iso) {
    const time = el('time', 'msg-time');
    time.dateTime = iso;
    time.title = fullTime(iso);
    time.textContent = clock(iso);
    return time;
  }
  function dayLabel(ms) {
    const day = new Date(ms);
    const today = new Date();
    const yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1);
    if (day.toDateString() === today.toDateString()) return 'Today';
    if (day.toDateString() === yesterday.toDateString()) return 'Yesterday';
    return day.toLocaleDateString([], { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });
  }
  const sameDay = (a, b) => new Date(a).toDateString() === new Date(b).toDateString();
  const NOTICE_MARKS = { join: '→', leave: '←', nick: '✎', moderation: '⚑' };

  // Whether the text names this person ("alice", "@alice"), as a word.
  function mentions(text) {
    const me = myName();
    if (!me) return false;
    const name = me.replace(/[.\\-]/g, (c) => '\\' + c);
    return new RegExp('(^|[^A-Za-z0-9_.-])@?' + name + '(?![A-Za-z0-9_-])', 'i').test(text);
  }

  // The list item of a log entry (not an edit or delete entry).
  function entryItem(m) {
    const li = document.createElement('li');
    li.dataset.id = m.id;
    li.dataset.kind = m.kind;
    li.dataset.author = m.author;
    li.dataset.time = Date.parse(m.time) || 0;
    const time = timeElement(m.time);
    if (m.kind === 'deleted') {
      showDeleted(li);
    } else if (m.kind !== 'message') {
      // Notices carry their own sentence ("alice joined") in the text.
      li.className = 'msg notice kind-' + m.kind;
      const mark = el('span', 'notice-mark');
      mark.setAttribute('aria-hidden', 'true');
      mark.textContent = NOTICE_MARKS[m.kind] || '•';
      const text = document.createElement('span');
      text.textContent = m.text;
      if (Array.isArray(m.names)) {
        // A crowd's notice: its first names (up to 20) on hover.
        const more = m.count > m.names.length ? ' and ' + (m.count - m.names.length) + ' more' : '';
        text.title = m.names.join(', ') + more;
      }
      li.append(mark, text, ' ', time);
    } else {
      const mine = m.author === myName();
      const action = rich.isAction(m.text);
      li.className = 'msg' + (mine ? ' mine' : '') + (action ? ' action' : '') +
        (!mine && mentions(m.text) ? ' mention' : '');
      const head = el('div', 'msg-head');
      const author = el('span', 'msg-author');
      author.style.setProperty('--h', hueFor(m.author));
      author.textContent = m.author;
      head.append(author);
      if (m.account) {
        // Sent by the registered account of that name: no one else can.
        const mark = el('span', 'verified', '✓');
        mark.title = 'Registered account';
        mark.setAttribute('aria-label', 'registered account');
        head.append(mark);
      }
      if (mine) {
        const you = el('span', 'mine-mark', 'you');
        head.append(you);
      }
      head.append(time);
      const text = el('div', 'msg-text');
      if (action) {
        // "/me waves": "alice waves", in the author's colour.
        const who = el('span', 'action-author');
        who.style.setProperty('--h', hueFor(m.author));
        who.textContent = m.author;
        text.append(who, ' ', rich.toNodes(rich.parse(rich.actionText(m.text)), document));
      } else {
        text.append(rich.toNodes(rich.parse(m.text), document));
      }
      li.append(head, text);
      if (m.edited) markEdited(li, m.edited);
      addActions(li, m);
    }
    return li;
  }

  // What depends on the item before: the day's divider and grouping.
  function decorate(li) {
    if (!li || !li.dataset.time) return;
    let prev = li.previousElementSibling;
    while (prev && !prev.dataset.time) prev = prev.previousElementSibling;
    const time = Number(li.dataset.time);
    const newDay = !prev || !sameDay(Number(prev.dataset.time), time);
    let divider = li.querySelector(':scope > .day-divider');
    if (newDay && !divider) {
      divider = document.createElement('div');
      divider.className = 'day-divider';
      const label = document.createElement('span');
      divider.append(label);
      li.prepend(divider);
    }
    if (divider && !newDay) divider.remove();
    else if (divider) divider.firstChild.textContent = dayLabel(time);
    const chat = (item) => item.dataset.kind === 'message' && !item.classList.contains('private') &&
      !item.classList.contains('action');
    li.classList.toggle('cont', !newDay && chat(li) && chat(prev) &&
      prev.dataset.author === li.dataset.author && time - Number(prev.dataset.time) < GROUP_MS);
  }

  function render(m) {
    if (m.id < next) return; // already shown
    next = m.id + 1;
    if (first === null) first = m.id;
    if (m.kind === 'edit' || m.kind === 'delete') {
      amend(m);
      return;
    }
    shown.set(m.id, m);
    const li = entryItem(m);
    appendLive(li);
    if (m.kind === 'moderation') {
      refreshRoom(); // the subject or listing may have changed
      refreshBans();
    }
    if (m.kind === 'message' && m.author !== myName() && loaded) {
      typingStopped(m.author);
      attention.arrived({ author: m.author, text: m.text, mention: li.classList.contains('mention') });
    }
  }

  // ---- edits and deletions (SPEC §11): entries that rewrite an earlier one ----
  function amend(m) {
    const li = list.querySelector('li[data-id="' + m.target + '"]');
    const target = shown.get(m.target);
    if (!li || !target || li.classList.contains('deleted')) return;
    if (m.kind === 'edit') {
      const edited = Object.assign({}, target, { text: m.text, edited: m.time });
      shown.set(m.target, edited);
      const again = entryItem(edited);
      li.replaceWith(again);
      decorate(again);
      decorate(again.nextElementSibling);
    } else {
      if (editing === m.target) stopEditing(true);
      showDeleted(li);
      decorate(li.nextElementSibling);
    }
  }
  function markEdited(li, iso) {
    const mark = el('span', 'edited', '(edited)');
    mark.title = 'Edited ' + fullTime(iso);
    li.querySelector('.msg-head').append(mark);
  }
  function showDeleted(li) {
    li.className = 'msg deleted';
    li.dataset.kind = 'deleted';
    li.replaceChildren();
    const text = el('p', 'msg-text', 'Message deleted');
    li.append(text);
    decorate(li);
  }
  // Edit for one's own message within chat.editWindow; delete for one's own,
  // and for anyone's when this browser moderates the room. The server
  // decides: a refusal is shown like any other.
  function addActions(li, m) {
    const mine = m.author === myName();
    const canEdit = mine && Date.now() - Date.parse(m.time) < editWindowMs;
    if (!canEdit && !mine && !moderates) return;
    const actions = el('div', 'msg-actions');
    if (canEdit) {
      actions.append(actionButton('Edit', 'Edit message', () => startEditing(m.id)));
    }
    const del = confirmButton('Delete', 'Delete message', () => change('DELETE', m.id), 'delete ' + m.id);
    del.classList.add('danger');
    actions.append(del);
    if (moderates && !mine) actions.append(banButton(m.author, 'Ban author', 'Ban ' + m.author));
    li.append(actions);
  }
  // Ban (for good) someone by name.
  function banButton(name, label, accessibleName) {
    const ban = confirmButton(label, accessibleName, () =>
      moderate('PUT', '/api/rooms/' + roomId + '/bans/' + encodeURIComponent(name), {}));
    ban.classList.add('danger');
    return ban;
  }
  // A button that acts on its second click within 4 s: one slip of the
  // mouse does not delete or ban. Armed, it says "label?" and is named
  // "Confirm: …". Armed is kept by name, so a list drawn again meanwhile
  // (a presence frame) keeps the confirmation: by `key`, what it acts on
  // (default: its accessible name, "Ban bert").
  const armedUntil = new Map(); // key → when its confirmation ends
  function confirmButton(label, name, act, key = name) {
    const isArmed = () => (armedUntil.get(key) || 0) > Date.now();
    const show = (armed) => {
      button.dataset.armed = armed ? '1' : '';
      button.textContent = armed ? label + '?' : label;
      button.setAttribute('aria-label',
        armed ? 'Confirm: ' + name.charAt(0).toLowerCase() + name.slice(1) : name);
    };
    const disarmLater = () => setTimeout(() => { if (!isArmed()) show(false); },
      armedUntil.get(key) - Date.now() + 10);
    const button = actionButton(label, name, () => {
      if (isArmed()) {
        armedUntil.delete(key);
        show(false);
        act();
        return;
      }
      armedUntil.set(key, Date.now() + 4000);
      show(true);
      disarmLater();
    });
    if (isArmed()) {
      show(true);
      disarmLater();
    }
    return button;
  }
  function actionButton(label, name, onClick) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'link-button msg-action';
    b.textContent = label;
    b.setAttribute('aria-label', name);
    b.addEventListener('click', onClick);
    return b;
  }
  function startEditing(id) {
    if (privateTo) endPrivate();
    editing = id;
    input.value = (shown.get(id) || { text: '' }).text; // as written, markup included
    editingBar.hidden = false;
    autosize();
    input.focus();
  }
  function stopEditing(clear) {
    editing = null;
    editingBar.hidden = true;
    if (clear) input.value = '';
    autosize();
  }
  async function change(method, id, text) {
    const init = { method: method };
    if (text !== undefined) {
      const fields = new URLSearchParams();
      fields.set('text', text);
      init.body = fields;
    }
    try {
      const r = await fetch('/api/rooms/' + roomId + '/messages/' + id, init);
      if (r.ok) {
        showError('');
        return true;
      }
      if (r.status === 429) showError('Slow down: try again in ' + (r.headers.get('Retry-After') || 'a few') + ' s.');
      else showError((await r.text()).trim() || 'Not changed (HTTP ' + r.status + ').');
    } catch (e) {
      showError('Not changed: the server cannot be reached. Try again.');
    }
    return false;
  }
  document.getElementById('editing-cancel').addEventListener('click', () => { stopEditing(true); input.focus(); });

  // ---- the view: following the bottom, the "new messages" divider, jumping back ----
  let loaded = false; // the first history is in: what comes now is live
  let unseen = 0; // live items that came while the reader was scrolled up or away
  let divider = null; // the item carrying the "New messages" divider
  let away = document.hidden; // the tab is hidden: what comes is unseen
  const nearBottom = () => logWrap.scrollHeight - logWrap.scrollTop - logWrap.clientHeight < 80;
  function scrollToBottom() {
    logWrap.scrollTop = logWrap.scrollHeight;
  }
  function markUnseen(li) {
    if (!divider) {
      divider = li;
      const line = el('div', 'new-divider');
      const label = document.createElement('span');
      label.textContent = 'New messages';
      line.append(label);
      li.prepend(line);
    }
    unseen++;
    showJump();
  }
  function clearDivider() {
    if (divider) {
      const line = divider.querySelector(':scope > .new-divider');
      if (line) line.remove();
    }
    divider = null;
  }
  function showJump() {
    const far = logWrap.scrollHeight - logWrap.scrollTop - logWrap.clientHeight > logWrap.clientHeight / 2;
    jumpButton.hidden = !(unseen > 0 && !nearBottom()) && !far;
    jumpButton.textContent = unseen > 0 && !nearBottom()
      ? unseen + (unseen === 1 ? ' new message' : ' new messages') + ' ↓'
      : 'Jump to latest ↓';
  }
  jumpButton.addEventListener('click', () => {
    scrollToBottom();
    input.focus();
  });
  // The log keeps to its bottom when its height changes (a phone's
  // keyboard, a rotated screen, the composer growing) if it was there.
  let atBottom = true;
  new ResizeObserver(() => {
    if (atBottom) scrollToBottom();
  }).observe(logWrap);
  logWrap.addEventListener('scroll', () => {
    atBottom = nearBottom();
    if (nearBottom()) unseen = 0;
    showJump();
    if (logWrap.scrollTop < 150) loadOlder();
  });
  document.addEventListener('visibilitychange', () => {
    if (document.hidden) {
      away = true;
      clearDivider(); // the next one marks where this absence began
      unseen = 0;
    } else {
      away = false;
    }
  });

  // A live item at the bottom: followed when the reader is at the bottom
  // (or it is their own), else counted as new with a divider before it.
  function appendLive(li) {
    const stick = nearBottom();
    list.append(li);
    decorate(li);
    empty.hidden = true;
    const chat = li.dataset.kind === 'message' || li.classList.contains('private');
    if (loaded && chat && !li.classList.contains('mine') && (away || !stick)) markUnseen(li);
    if (stick || li.classList.contains('mine')) scrollToBottom();
    showJump();
  }
  // An item placed by its time among those shown (a private message kept
  // from before a reload).
  function insertByTime(li) {
    const time = Number(li.dataset.time);
    let after = list.lastElementChild;
    while (after && Number(after.dataset.time) > time) after = after.previousElementSibling;
    if (after) after.after(li);
    else list.prepend(li);
    decorate(li);
    decorate(li.nextElementSibling);
    empty.hidden = true;
  }

  // ---- private messages: not log entries; kept for this tab's session ----
  function keptPrivates() {
    try { return JSON.parse(sessionStorage.getItem(PRIVATE_KEY) || '[]'); } catch (e) { return []; }
  }
  function keepPrivate(p) {
    const kept = keptPrivates();
    kept.push(p);
    sessionStorage.setItem(PRIVATE_KEY, JSON.stringify(kept.slice(-200)));
  }
  // A private message (to or from this person) goes into the log view but
  // not the numbering: it is no log entry.
  function privateItem(p) {
    const mine = p.from === myName();
    const li = el('li', 'msg private' + (mine ? ' mine' : ''));
    li.dataset.kind = 'private';
    li.dataset.author = p.from;
    li.dataset.time = Date.parse(p.time) || Date.now();
    const head = el('div', 'msg-head');
    const badge = el('span', 'private-badge', 'Private');
    const who = el('span', 'msg-author', mine ? 'You → ' + p.to : p.from + ' → you');
    head.append(badge, who, timeElement(p.time));
    if (!mine) {
      const reply = document.createElement('button');
      reply.type = 'button';
      reply.className = 'link-button';
      reply.textContent = 'Reply';
      reply.setAttribute('aria-label', 'Reply to ' + p.from + ' privately');
      reply.addEventListener('click', () => startPrivate(p.from));
      head.append(reply);
    }
    const text = el('div', 'msg-text');
    text.append(rich.toNodes(rich.parse(p.text), document));
    li.append(head, text);
    return li;
  }
  function renderPrivate(p) {
    keepPrivate(p);
    appendLive(privateItem(p));
    if (p.from !== myName()) {
      typingStopped(p.from);
      attention.arrived({ author: p.from, text: p.text, private: true });
    }
  }
  function restorePrivates() {
    keptPrivates().forEach((p) => insertByTime(privateItem(p)));
  }

  // ---- who is writing (typing frames; never in the log) ----
  const writing = new Map(); // name → when to stop showing it
  let typingTimer = null;
  let typingSent = 0;
  function showTyping() {
    const now = Date.now();
    for (const [name, until] of writing) if (until <= now) writing.delete(name);
    const names = [...writing.keys()];
    typingEl.textContent = names.length === 0 ? ''
      : names.length === 1 ? names[0] + ' is typing…'
        : names.length <= 3 ? names.slice(0, -1).join(', ') + ' and ' + names[names.length - 1] + ' are typing…'
          : 'Several people are typing…';
    clearTimeout(typingTimer);
    if (names.length) typingTimer = setTimeout(showTyping, 1000);
  }
  function typingFrame(frame) {
    const me = myName().toLowerCase();
    for (const name of frame.names || []) {
      if (name.toLowerCase() !== me) writing.set(name, Date.now() + 5000);
    }
    showTyping();
  }
  function typingStopped(name) {
    if (writing.delete(name)) showTyping();
  }
  // Says "I am writing" at most every 3 s, over the WebSocket only.
  function typed() {
    if (!joined || !socket || socket.readyState !== WebSocket.OPEN || privateTo || editing !== null) return;
    if (!input.value.trim() || Date.now() - typingSent < 3000) return;
    typingSent = Date.now();
    socket.send(JSON.stringify({ type: 'typing' }));
  }
  // ---- who is online ----
  let lastPeople = { online: [], count: 0 };
  function renderPeople(presence) {
    lastPeople = presence;
    peopleCount.textContent = presence.count;
    const me = myName().toLowerCase();
    const items = presence.online.map((name) => {
      const li = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'person';
      const dot = el('span', 'person-dot');
      dot.style.setProperty('--h', hueFor(name));
      dot.setAttribute('aria-hidden', 'true');
      const label = el('span', 'person-name', name);
      button.append(dot, label);
      if (name.toLowerCase() === me) {
        const you = el('span', 'person-you', '(you)');
        button.append(you);
        button.disabled = true;
      } else {
        button.title = 'Send ' + name + ' a private message';
        button.addEventListener('click', () => startPrivate(name));
      }
      li.append(button);
      if (moderates && name.toLowerCase() !== me) li.append(personActions(name));
      return li;
    });
    if (presence.count > presence.online.length) {
      const li = el('li', 'people-more', 'and ' + (presence.count - presence.online.length) + ' more');
      items.push(li);
    }
    peopleList.replaceChildren(...items);
  }

  // A moderator's Kick and Ban beside each person; a ban (for good) takes a
  // second click. Lifting one: UNBAN on the line protocol, or the API.
  function personActions(name) {
    const actions = el('span', 'person-actions');
    const path = '/api/rooms/' + roomId;
    const kick = actionButton('Kick', 'Kick ' + name, () =>
      moderate('POST', path + '/kick', { name: name }));
    actions.append(kick, banButton(name, 'Ban', 'Ban ' + name));
    return actions;
  }
  async function moderate(method, url, fields) {
    try {
      const r = await fetch(url, fields === undefined ? { method: method } : {
        method: method,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(fields),
      });
      if (r.ok) {
        showError('');
        return r;
      }
      showError((await r.text()).trim() || 'Not done (HTTP ' + r.status + ').');
    } catch (e) {
      showError('Not done: the server cannot be reached. Try again.');
    }
    return null;
  }

  // The bans in force, for moderators, each with a button that lifts it.
  const bansSection = document.getElementById('bans');
  const banList = document.getElementById('ban-list');
  async function refreshBans() {
    if (!moderates) return;
    const r = await fetch('/api/rooms/' + roomId + '/bans', { cache: 'no-store' }).catch(() => null);
    if (!r || !r.ok) return;
    const bans = (await r.json()).bans;
    banList.replaceChildren(...bans.map((ban) => {
      const li = document.createElement('li');
      const name = el('span', 'person-name', ban.name);
      const until = el('span', 'person-you', ban.until ? 'until ' + new Date(ban.until).toLocaleString() : 'for good');
      const lift = actionButton('Lift', 'Lift the ban on ' + ban.name, async () => {
        if (await moderate('DELETE', '/api/rooms/' + roomId + '/bans/' + encodeURIComponent(ban.name))) refreshBans();
      });
      li.append(name, until, lift);
      return li;
    }));
    bansSection.hidden = bans.length === 0;
  }
  refreshBans();
  // ---- the room's header, and its settings for the owner ----
  const titleEl = document.querySelector('.room-title h1');
  const badgeEl = document.querySelector('.room-title .badge');
  let roomInfo = null;
  function showRoom(room) {
    roomInfo = room;
    titleEl.textContent = room.subject || 'Untitled room';
    window.hchatAttention.setTitle((room.subject || 'Chat room') + ' — hchat');
    badgeEl.textContent = room.public ? 'Public room' : 'Unlisted room';
  }
  async function refreshRoom() {
    try {
      const r = await fetch('/api/rooms/' + roomId, { cache: 'no-store' });
      if (r.ok) showRoom(await r.json());
    } catch (e) { /* the header stays as it was */ }
  }
  const settingsButton = document.getElementById('settings-open');
  const settings = document.getElementById('settings-dialog');
  if (role === 'owner' || role === 'operator') {
    settingsButton.hidden = false;
    settingsButton.addEventListener('click', async () => {
      await refreshRoom();
      if (!roomInfo) return;
      document.getElementById('settings-subject').value = roomInfo.subject;
      document.getElementById('settings-public').checked = roomInfo.public;
      document.getElementById('settings-posting').value = roomInfo.posting;
      document.getElementById('settings-slow').value = String(roomInfo.slowMode);
      document.getElementById('settings-moderators').value = roomInfo.moderators.join(', ');
      document.getElementById('settings-error').hidden = true;
      settings.showModal();
    });
    document.getElementById('settings-cancel').addEventListener('click', () => settings.close());
    document.getElementById('settings-form').addEventListener('submit', async (e) => {
      e.preventDefault();
      const error = document.getElementById('settings-error');
      const r = await fetch('/api/rooms/' + roomId, {
        method: 'PATCH',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          subject: document.getElementById('settings-subject').value.trim(),
          public: document.getElementById('settings-public').checked,
          posting: document.getElementById('settings-posting').value,
          slowMode: parseInt(document.getElementById('settings-slow').value, 10),
        }),
      }).catch(() => null);
      if (r && r.ok && (await saveModerators(error))) {
        showRoom(await r.json());
        settings.close();
        input.focus();
      } else if (r && r.ok) {
        error.hidden = false;
      } else {
        error.textContent = r ? (await r.text()).trim() : 'The server cannot be reached.';
        error.hidden = false;
      }
    });
    // Moderators are accounts: each one added is named, each one left out removed.
    async function saveModerators(error) {
      const wanted = document.getElementById('settings-moderators').value
        .split(/[\s,]+/).filter((name) => name);
      const had = roomInfo.moderators.map((name) => name.toLowerCase());
      const lower = wanted.map((name) => name.toLowerCase());
      const changes = wanted.filter((name) => !had.includes(name.toLowerCase())).map((name) => ['PUT', name])
        .concat(roomInfo.moderators.filter((name) => !lower.includes(name.toLowerCase())).map((name) => ['DELETE', name]));
      for (const [method, name] of changes) {
        const r = await fetch('/api/rooms/' + roomId + '/moderators/' + encodeURIComponent(name),
          { method: method }).catch(() => null);
        if (!r || !r.ok) {
          error.textContent = r ? (await r.text()).trim() : 'The server cannot be reached.';
          return false;
        }
      }
      return true;
    }
    const remove = document.getElementById('settings-delete');
    remove.addEventListener('click', async () => {
      if (remove.dataset.armed !== '1') {
        remove.dataset.armed = '1';
        remove.textContent = 'Delete the room for everyone?';
        return;
      }
      const r = await fetch('/api/rooms/' + roomId, { method: 'DELETE' }).catch(() => null);
      if (r && (r.ok || r.status === 410)) {
        settings.close();
        roomDeleted();
      }
    });
  }

  function startPrivate(name) {
    join(); // whispering is taking part: a newcomer who only watched joins
    if (editing !== null) stopEditing(true);
    privateTo = name;
    privateName.textContent = name;
    privateBar.hidden = false;
    form.classList.add('is-private');
    input.placeholder = 'Private message to ' + name;
    input.focus();
  }
  function endPrivate() {
    privateTo = '';
    privateBar.hidden = true;
    form.classList.remove('is-private');
    input.placeholder = PLACEHOLDER;
  }
  document.getElementById('private-cancel').addEventListener('click', () => {
    endPrivate();
    input.focus();
  });

  function setStatus(state, text) {
    statusEl.className = 'status ' + state;
    statusEl.textContent = text;
  }
  function showError(text) {
    errorEl.textContent = text;
    errorEl.hidden = !text;
  }
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  // A deleted room answers 410 on every URL: the page says so, stops
  // following and closes the composer. Nothing more can be sent there.
  // What it showed of the room goes too: a room is deleted for what was in it.
  let deleted = false;
  function roomDeleted() {
    if (deleted) return;
    deleted = true;
    if (socket) socket.close();
    list.replaceChildren();
    renderPeople({ online: [], count: 0 });
    empty.textContent = 'This room was deleted. Its messages are gone.';
    empty.hidden = false;
    setStatus('down', 'Deleted');
    for (const control of form.elements) control.disabled = true;
  }
  // Kicked (or banned) by a moderator: the page stops following and says
  // so; Rejoin tries again (a ban answers 403, which the page tells apart).
  let removed = false;
  const removedBar = document.getElementById('removed');
  function removedFromRoom(text) {
    removed = true;
    if (socket) socket.close();
    setStatus('down', 'Removed');
    document.getElementById('removed-text').textContent =
      text || 'A moderator removed you from this room.';
    removedBar.hidden = false;
    for (const control of form.elements) control.disabled = control.id !== 'rejoin';
  }
  document.getElementById('rejoin').addEventListener('click', async () => {
    const probe = await fetch('/ws/' + roomId, { cache: 'no-store' }).catch(() => null);
    if (probe && probe.status === 403) {
      removedFromRoom('You are banned from this room.');
      return;
    }
    removed = false;
    removedBar.hidden = true;
    for (const control of form.elements) control.disabled = false;
    follow();
  });
  async function stillThere() {
    try {
      const r = await fetch('/api/rooms/' + roomId, { cache: 'no-store' });
      if (r.status === 410 || r.status === 404) {
        roomDeleted();
        return false;
      }
    } catch (e) { /* the server is away: reconnect as usual */ }
    return true;
  }


  // ---- history: the recent page, then older pages above (?before=) ----
  async function fetchPage(query) {
    const r = await fetch('/api/rooms/' + roomId + '/messages?' + query, { cache: 'no-store' });
    if (!r.ok) throw new Error('history: HTTP ' + r.status);
    return r.json();
  }
  async function loadPage(from, limit) {
    const page = await fetchPage('limit=' + limit + (from === null ? '' : '&from=' + from));
    page.messages.forEach(render);
    if (page.next > next) next = page.next;
    if (first === null) first = next;
    if (first === 0) atStart = true;
    historyStart.hidden = !atStart || list.children.length === 0;
  }
  // Entries above the first one shown, without moving what the reader sees.
  let olderLoading = null;
  function loadOlder(limit = OLDER_PAGE) {
    if (olderLoading || atStart || first === null || !loaded) return olderLoading;
    olderLoading = (async () => {
      try {
        const page = await fetchPage('before=' + first + '&limit=' + limit);
        const items = [];
        for (const m of page.messages) {
          // Edits and deletions are already applied to what the page reads.
          if (m.kind === 'edit' || m.kind === 'delete' || shown.has(m.id)) continue;
          shown.set(m.id, m);
          items.push(entryItem(m));
        }
        if (page.messages.length === 0 || page.messages[0].id === 0) atStart = true;
        if (page.messages.length) first = page.messages[0].id;
        const fromBottom = logWrap.scrollHeight - logWrap.scrollTop;
        const oldTop = list.firstElementChild;
        list.prepend(...items);
        items.forEach(decorate);
        decorate(oldTop);
        logWrap.scrollTop = logWrap.scrollHeight - fromBottom;
        historyStart.hidden = !atStart;
        if (items.length) empty.hidden = true;
      } catch (e) {
        /* tried again at the next scroll */
      } finally {
        olderLoading = null;
      }
    })();
    return olderLoading;
  }
  // Older pages until the view can scroll (a short first page fills it).
  async function fillView() {
    while (!atStart && logWrap.scrollHeight <= logWrap.clientHeight + 150) {
      const before = first;
      await loadOlder();
      if (first === before) break;
    }
  }

  // ---- search (GET /api/rooms/<id>/search): results jump to the message in context ----
  const searchForm = document.getElementById('search-form');
  const searchInput = document.getElementById('search-input');
  const searchPanel = document.getElementById('search-results');
  const searchList = document.getElementById('search-list');
  const searchStatus = document.getElementById('search-status');
  const searchOlder = document.getElementById('search-older');
  // What is searched now: its words and, when the server stopped before the
  // oldest message (Redis reads 10,000 a search), where to go on from.
  let searching = { words: '', below: 0 };
  searchForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const words = searchInput.value.trim();
    if (!words) return;
    searchPanel.hidden = false;
    searchList.replaceChildren();
    searching = { words, below: 0 };
    search('');
  });
  searchOlder.addEventListener('click', () => search('&before=' + searching.below));
  async function search(bound) {
    const asked = searching;
    searchOlder.hidden = true;
    searchStatus.textContent = 'Searching…';
    const r = await fetch('/api/rooms/' + roomId + '/search?limit=30&q=' + encodeURIComponent(asked.words) + bound,
      { cache: 'no-store' }).catch(() => null);
    if (asked !== searching) return; // another search began meanwhile
    if (!r || !r.ok) {
      searchStatus.textContent = r ? (await r.text()).trim() : 'The server cannot be reached.';
      return;
    }
    const answer = await r.json();
    searching.below = answer.searchedFrom;
    searchList.append(...answer.results.map(searchHit));
    const count = searchList.children.length;
    const more = searching.below > 0;
    searchStatus.textContent = count === 0 ? 'Nothing found for “' + asked.words + '”' + (more ? ' yet.' : '.')
      : count + (count === 1 ? ' message' : ' messages') + ' found' + (more ? ' so far' : '');
    searchOlder.hidden = searching.below === 0;
  }
  function searchHit(m) {
    const li = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'search-hit';
    const head = el('span', 'msg-head');
    const author = el('span', 'msg-author');
    author.style.setProperty('--h', hueFor(m.author));
    author.textContent = m.author;
    const when = timeElement(m.time);
    when.textContent = new Date(m.time).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });
    head.append(author, when);
    const snippet = el('span', 'search-snippet');
    for (const part of m.snippet) {
      if (part.match) {
        const mark = document.createElement('mark');
        mark.textContent = part.text;
        snippet.append(mark);
      } else {
        snippet.append(part.text);
      }
    }
    button.append(head, snippet);
    button.addEventListener('click', () => jumpTo(m.id));
    li.append(button);
    return li;
  }
  document.getElementById('search-close').addEventListener('click', closeSearch);
  searchPanel.addEventListener('keydown', (e) => { if (e.key === 'Escape') closeSearch(); });
  function closeSearch() {
    searchPanel.hidden = true;
    searchInput.focus();
  }
  // Loads the history down to message n, then shows it, highlighted.
  async function jumpTo(n) {
    while (!list.querySelector('li[data-id="' + n + '"]') && !atStart && first !== null && first > n) {
      const before = first;
      await loadOlder(Math.min(1000, first - n + 20));
      if (first === before) break;
    }
    const li = list.querySelector('li[data-id="' + n + '"]');
    if (!li) {
      searchStatus.textContent = 'That message is no longer in the room.';
      return;
    }
    if (window.matchMedia('(max-width: 760px)').matches) searchPanel.hidden = true;
    li.scrollIntoView({ block: 'center' });
    li.classList.add('flash');
    li.tabIndex = -1;
    li.focus({ preventScroll: true });
    setTimeout(() => li.classList.remove('flash'), 2500);
  }
  // ---- following the room: WebSocket, else SSE, else long poll ----
  const TRANSPORTS = ['websocket', 'sse', 'longpoll'];
  const LABELS = { websocket: 'WebSocket', sse: 'event stream', longpoll: 'long poll' };
  let transport = 0; // index into TRANSPORTS
  let failures = 0;  // consecutive failed connections

  const ERRORS = {
    'not-online': (e) => e.message.replace(/^nobody called (.*) is online$/, '$1 is not online any more.'),
  };
  function onFrame(data) {
    const m = JSON.parse(data);
    if (m.type === 'message') render(m);
    else if (m.type === 'presence') renderPeople(m);
    else if (m.type === 'typing') typingFrame(m);
    else if (m.type === 'private') renderPrivate(m);
    else if (m.type === 'error' && m.error === 'gone') { if (m.next > next) next = m.next; }
    else if (m.type === 'error' && m.error === 'history-reset') {
      // Nodes over Redis whose Redis lost its data: what is shown stays,
      // the numbering goes on; older history cannot be fetched again.
      if (m.next > next) next = m.next;
      showError('The server lost the earlier history of this room; the conversation goes on.');
    }
    else if (m.type === 'error' && m.error === 'nick-taken') nickRefused();
    else if (m.type === 'error' && m.error === 'room-deleted') roomDeleted();
    else if (m.type === 'error' && m.error === 'kicked') removedFromRoom();
    else if (m.type === 'error') showError(ERRORS[m.error] ? ERRORS[m.error](m) : m.message);
  }
  function connected() {
    failures = 0;
    setStatus('live', (joined ? 'Live' : 'Watching') + ' (' + LABELS[TRANSPORTS[transport]] + ')');
  }
  // A transport that never opened while the server answers is taken as
  // unavailable (a proxy that does not pass it, say): the next one is tried.
  // Otherwise (a dropped connection, a daemon restarting) the same transport
  // reconnects, from the next message, after a back-off.
  // The open stream (a WebSocket or an EventSource); joining replaces the
  // one that only watched with one that is in the room, from the same point.
  let stream = null;
  function followAgain() {
    const old = stream;
    stream = null;
    if (old) old.close();
    follow();
  }
  async function lost(opened) {
    if (removed || deleted || !(await stillThere())) return;
    if (!opened && transport < TRANSPORTS.length - 1) {
      const serverUp = await fetch('/healthz', { cache: 'no-store' })
        .then((r) => r.ok, () => false);
      if (serverUp) {
        transport++;
        follow();
        return;
      }
    }
    failures++;
    setStatus('down', 'Reconnecting…');
    setTimeout(follow, Math.min(15000, 500 * 2 ** Math.min(failures, 5)));
  }

  function followWebSocket() {
    const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
    const ws = new WebSocket(scheme + location.host + '/ws/' + roomId + '?from=' + next + nickQuery());
    let opened = false;
    ws.onopen = () => { opened = true; socket = ws; connected(); };
    ws.onmessage = (event) => onFrame(event.data);
    ws.onclose = () => {
      socket = null;
      if (stream === ws) lost(opened);
    };
    stream = ws;
  }

  function followEventStream() {
    const source = new EventSource('/events/' + roomId + '?from=' + next + nickQuery());
    let opened = false;
    source.onopen = () => { opened = true; connected(); };
    const deliver = (event) => onFrame(event.data);
    ['message', 'join', 'leave', 'nick', 'edit', 'delete', 'deleted', 'moderation', 'presence', 'typing', 'private', 'error']
      .forEach((kind) => source.addEventListener(kind, deliver));
    // EventSource would reconnect by itself with the URL's old `from`; this
    // page reconnects itself, from the next message it has not shown.
    source.onerror = () => {
      source.close();
      if (stream === source) lost(opened);
    };
    stream = source;
  }

  // A long poll carries no presence: the list is read every 15 s instead.
  async function refreshPeople() {
    try {
      const r = await fetch('/api/rooms/' + roomId, { cache: 'no-store' });
      if (r.ok) {
        const room = await r.json();
        renderPeople({ online: room.online, count: room.online.length });
      }
    } catch (e) { /* shown by the poll loop */ }
  }
  let peopleTimer = null;
  // A long poll is in the room from its first request (watching is for
  // streams only).
  async function followLongPoll() {
    let opened = false;
    const self = { close() {} };
    stream = self;
    refreshPeople();
    if (!peopleTimer) peopleTimer = setInterval(refreshPeople, 15000);
    for (;;) {
      if (stream !== self) return; // replaced (joined)
      try {
        const r = await fetch('/msg/' + roomId + '/' + next, {
          headers: { Accept: 'application/json' }, cache: 'no-store',
        });
        if (r.status === 200) {
          render(await r.json());
        } else if (r.status === 410 || r.status === 404) {
          if (!(await stillThere())) return;
          await loadPage(next, 1000); // deleted by retention: skip to what is kept
        } else if (r.status !== 204) {
          throw new Error('HTTP ' + r.status);
        }
        if (!opened) connected();
        opened = true;
      } catch (e) {
        if (stream === self) lost(true);
        return;
      }
    }
  }

  function follow() {
    const name = TRANSPORTS[transport];
    if (name === 'websocket' && 'WebSocket' in window) followWebSocket();
    else if (name === 'websocket') { transport++; follow(); }
    else if (name === 'sse' && 'EventSource' in window) followEventStream();
    else if (name === 'sse') { transport++; follow(); }
    else followLongPoll();
  }


  // ---- starting: the history, then joining (a newcomer names themselves first) ----
  let joinWanted = false;
  async function start() {
    if (window.hchatMe) useAccount(await window.hchatMe);
    for (let tries = 0; ; tries++) {
      try {
        await loadPage(null, recent);
        break;
      } catch (e) {
        setStatus('down', 'Reconnecting…');
        await sleep(Math.min(15000, 500 * 2 ** Math.min(tries, 5)));
      }
    }
    restorePrivates();
    scrollToBottom();
    loaded = true;
    showJump();
    fillView();
    const newcomer = !account && !localStorage.getItem(NICK_KEY) && !localStorage.getItem(JOINED_KEY);
    if (newcomer && !joinWanted) {
      // The room is followed, but nobody is told of this person until they
      // choose a name: one arrival, one notice.
      document.getElementById('welcome-name').textContent = guestName;
      welcome.hidden = false;
      follow();
      nickInput.focus();
    } else {
      join();
    }
  }
  function join() {
    if (!loaded) {
      joinWanted = true; // start() joins once the history is in
      return;
    }
    if (joined || deleted || removed) return;
    joined = true;
    welcome.hidden = true;
    localStorage.setItem(JOINED_KEY, '1');
    followAgain();
  }
  document.getElementById('join').addEventListener('click', () => {
    join();
    input.focus();
  });

  // ---- sending ----
  // Each message goes with a key of its own (Idempotency-Key): sent again
  // after an answer that never came, the same text keeps its key and the
  // server stores it once.
  let sendKey = '';
  let sendKeyText = null;
  function keyFor(text) {
    if (text !== sendKeyText) {
      const bytes = crypto.getRandomValues(new Uint8Array(16));
      sendKey = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
      sendKeyText = text;
    }
    return sendKey;
  }

  // No answer (the network dropped it, before or after the server stored
  // the message): sent again with the same key, so it is stored once; three
  // tries in about 1.5 s, then the error is the caller's.
  async function postMessage(fields, key) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fetch('/send/' + roomId, {
          method: 'POST',
          body: fields,
          headers: { 'Idempotency-Key': key },
        });
      } catch (e) {
        if (attempt === 3) throw e;
        await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
      }
    }
  }

  async function send() {
    const text = input.value;
    if (!text.trim()) return;
    if (new TextEncoder().encode(text).length > maxBytes) {
      showError('That message is too long (at most ' + maxBytes + ' bytes).');
      return;
    }
    if (privateTo) {
      sendPrivate(text);
      return;
    }
    if (editing !== null) {
      if (await change('PATCH', editing, text)) stopEditing(input.value === text);
      input.focus();
      return;
    }
    const fields = new URLSearchParams();
    fields.set('text', text);
    const nick = nickInput.value.trim();
    if (nick) {
      if (!NICK_RULE.test(nick)) {
        showError('A nickname is 1 to 32 letters, digits, "_", "-" or ".".');
        nickInput.focus();
        return;
      }
      fields.set('nick', nick);
    }
    try {
      const r = await postMessage(fields, keyFor(text));
      if (r.ok) {
        sendKeyText = null; // the same words again later are a new message
        // Only if unchanged: what was typed while the request was out stays,
        // and so does a message taken up for editing meanwhile.
        if (editing === null && input.value === text) {
          input.value = '';
          autosize();
        }
        showError('');
        clearDivider();
        join(); // a newcomer who just writes joins under the name they sent with
      } else if (r.status === 429) {
        showError('Slow down: try again in ' + (r.headers.get('Retry-After') || 'a few') + ' s.');
      } else if (r.status === 409) {
        nickRefused((await r.text()).trim());
      } else if (r.status === 410) {
        roomDeleted();
      } else {
        showError((await r.text()).trim() || 'Sending failed (HTTP ' + r.status + ').');
      }
    } catch (e) {
      showError('The server cannot be reached. Your text is kept: send it again, it will not be posted twice.');
    }
    input.focus();
  }

  // Private messages travel over the WebSocket; its echo shows them.
  function sendPrivate(text) {
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      showError('Private messages need the live WebSocket connection, which is not available right now.');
      return;
    }
    socket.send(JSON.stringify({ type: 'privmsg', to: privateTo, text: text }));
    input.value = '';
    autosize();
    showError('');
    input.focus();
  }

  function autosize() {
    input.style.height = 'auto';
    input.style.height = Math.min(input.scrollHeight + 2, 160) + 'px';
  }

  form.addEventListener('submit', (e) => { e.preventDefault(); send(); });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      send();
    }
  });
  input.addEventListener('input', () => {
    autosize();
    typed();
  });

  start();
  input.focus();
})();
