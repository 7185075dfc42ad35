// hchat accounts in the page (SPEC §10): who you are, log in, register and
// log out, in a dialog of this page. Loaded before the page's own script;
// window.hchatMe is a promise of {account, name} (account null for a guest)
// that the chat page waits for. Passwords go only to POST /login and
// POST /api/accounts of this server; the session is an HttpOnly cookie.
'use strict';

(function () {
  const who = document.getElementById('account-who');
  const openButton = document.getElementById('account-open');
  const logoutButton = document.getElementById('account-logout');
  const dialog = document.getElementById('account-dialog');
  const form = document.getElementById('account-form');
  const nameInput = document.getElementById('account-name');
  const passwordInput = document.getElementById('account-password');
  const errorEl = document.getElementById('account-error');

  window.hchatMe = fetch('/api/me', { cache: 'no-store' })
    .then((r) => (r.ok ? r.json() : { account: null, name: '' }))
    .catch(() => ({ account: null, name: '' }));

  window.hchatMe.then((me) => {
    if (me.account) {
      who.textContent = 'Signed in as ';
      const name = document.createElement('strong');
      name.textContent = me.account;
      const mark = document.createElement('span');
      mark.className = 'verified';
      mark.textContent = '✓';
      mark.title = 'Registered account';
      mark.setAttribute('aria-label', 'registered account');
      who.append(name, ' ', mark);
      logoutButton.hidden = false;
    } else {
      openButton.hidden = false;
    }
  });

  function showError(text) {
    errorEl.textContent = text;
    errorEl.hidden = !text;
  }

  openButton.addEventListener('click', () => {
    showError('');
    dialog.showModal();
    nameInput.focus();
  });
  document.getElementById('account-cancel').addEventListener('click', () => dialog.close());

  const MESSAGES = {
    401: 'Wrong name or password.',
    409: 'That name is registered already, or someone online is using it.',
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const register = event.submitter && event.submitter.value === 'register';
    const fields = new URLSearchParams();
    fields.set('name', nameInput.value.trim());
    fields.set('password', passwordInput.value);
    showError('');
    try {
      const r = await fetch(register ? '/api/accounts' : '/login', {
        method: 'POST', body: fields, headers: { Accept: 'application/json' },
      });
      if (r.ok) {
        location.reload(); // every connection of the page starts again as the account
        return;
      }
      if (r.status === 429) {
        showError('Too many attempts: try again in ' + (r.headers.get('Retry-After') || 'a few') + ' s.');
      } else {
        showError(MESSAGES[r.status] || (await r.text()).trim() || 'That did not work (HTTP ' + r.status + ').');
      }
    } catch (e) {
      showError('The server cannot be reached. Try again.');
    }
  });

  logoutButton.addEventListener('click', async () => {
    try {
      await fetch('/logout', { method: 'POST', headers: { Accept: 'application/json' } });
    } finally {
      location.reload();
    }
  });
})();
