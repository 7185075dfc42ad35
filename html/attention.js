// hchat attention: what tells someone in another tab that the room moved.
// While the tab is hidden, the title counts unread messages ("(3) Room —
// hchat") and the favicon wears a badge. Opt-in (the "Notify me" button,
// remembered in this browser): a desktop notification (Notification API)
// and a short sound for mentions of you and private messages. Nothing is
// loaded from anywhere: the badge is an SVG data URL, the sound a Web Audio
// tone. window.hchatAttention is used by chat.js.
'use strict';

(function () {
  const PREF_KEY = 'hchat.notify';
  const icon = document.querySelector('link[rel="icon"]');
  const plainIcon = icon ? icon.href : '';
  const button = document.getElementById('notify-toggle');
  let baseTitle = document.title;
  let unread = 0;
  let enabled = localStorage.getItem(PREF_KEY) === 'on';
  let audio = null;

  function showTitle() {
    document.title = (unread > 0 ? '(' + (unread > 99 ? '99+' : unread) + ') ' : '') + baseTitle;
    if (!icon) return;
    if (unread === 0) {
      icon.href = plainIcon;
      return;
    }
    const label = unread > 9 ? '9+' : String(unread);
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">' +
      '<rect width="32" height="32" rx="8" fill="#4f46e5"/>' +
      '<path d="M8 10h16v9H14l-4 4v-4H8z" fill="#fff"/>' +
      '<circle cx="23" cy="9" r="9" fill="#d92d20"/>' +
      '<text x="23" y="13" font-family="sans-serif" font-size="' + (label.length > 1 ? 9 : 12) +
      '" font-weight="700" text-anchor="middle" fill="#fff">' + label + '</text></svg>';
    icon.href = 'data:image/svg+xml,' + encodeURIComponent(svg);
  }

  function showButton() {
    if (!button) return;
    button.hidden = false;
    button.setAttribute('aria-pressed', enabled ? 'true' : 'false');
    button.textContent = enabled ? 'Notifications on' : 'Notify me';
    button.title = enabled
      ? 'You get a notification and a sound for mentions and private messages. Click to turn off.'
      : 'Get a notification and a sound for mentions of you and private messages';
  }

  function beep() {
    try {
      const Context = window.AudioContext || window.webkitAudioContext;
      if (!Context) return;
      audio = audio || new Context();
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.type = 'sine';
      tone.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.15, audio.currentTime + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.35);
      tone.connect(gain).connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + 0.4);
    } catch (e) { /* no sound then */ }
  }

  if (button) {
    button.addEventListener('click', async () => {
      if (!enabled && 'Notification' in window && Notification.permission === 'default') {
        try { await Notification.requestPermission(); } catch (e) { /* sound only */ }
      }
      enabled = !enabled;
      localStorage.setItem(PREF_KEY, enabled ? 'on' : 'off');
      showButton();
      if (enabled) beep(); // what it will sound like (and audio unlocked by the click)
    });
    showButton();
  }

  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) {
      unread = 0;
      showTitle();
    }
  });

  window.hchatAttention = {
    // The room's own title (its subject changed).
    setTitle(title) {
      baseTitle = title;
      showTitle();
    },
    // A message arrived live: {author, text, mention, private}.
    arrived(what) {
      if (document.hidden) {
        unread++;
        showTitle();
      }
      if (!enabled || !(what.mention || what.private)) return;
      beep();
      if (document.hidden && 'Notification' in window && Notification.permission === 'granted') {
        try {
          const note = new Notification(
            what.private ? 'Private message from ' + what.author : what.author + ' mentioned you',
            { body: what.text.slice(0, 200), tag: 'hchat-' + (what.private ? 'private' : 'mention'), icon: plainIcon });
          note.onclick = () => { window.focus(); note.close(); };
        } catch (e) { /* shown in the page regardless */ }
      }
    },
    get unread() { return unread; },
  };
})();
