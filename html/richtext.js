// hchat rich text: what a message's text shows, built as DOM nodes, never
// as HTML strings, so whatever anyone sends stays inert text.
//   ```code block```   `code`   **bold**   *italic*   http(s) links
//   "/me waves" is an action (isAction, actionText).
// parse(text) gives a tree of plain objects (tested in node); toNodes(tree,
// document) builds the nodes. Markers that do not pair are shown as typed.
// Linear in the text's length: each marker looks for its closer once, and
// a marker with none ahead stops that kind of marker for the rest.
'use strict';

(function (exports) {
  const LINK = /\bhttps?:\/\/[^\s<>"'`]+/g;
  const TRAILING = /[.,;:!?'"\]]+$/; // punctuation after a link is not part of it

  // A link's address as the browser will follow it, or null: only http(s).
  function safeHref(address) {
    try {
      const url = new URL(address);
      return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  // Plain text with its links: [{t:'text',v}, {t:'link',href,v}].
  function links(text, out) {
    LINK.lastIndex = 0;
    let done = 0;
    for (let m = LINK.exec(text); m; m = LINK.exec(text)) {
      let address = m[0].replace(TRAILING, '');
      // A closing parenthesis belongs to the link only if it opened one.
      while (address.endsWith(')') && (address.split('(').length < address.split(')').length)) {
        address = address.slice(0, -1);
      }
      const href = safeHref(address);
      if (!href) continue;
      if (m.index > done) out.push({ t: 'text', v: text.slice(done, m.index) });
      out.push({ t: 'link', href: href, v: address });
      done = m.index + address.length;
      LINK.lastIndex = done;
    }
    if (done < text.length) out.push({ t: 'text', v: text.slice(done) });
    return out;
  }

  const edgeSpace = (s) => /^\s|\s$/.test(s);

  // Code spans, bold, italic and links on one stretch of text. Inside bold
  // or italic there is no further bold or italic (no deep nesting).
  function inline(text, nested) {
    const out = [];
    let plain = '';
    let noCode = false;
    let noBold = nested;
    let noItalic = nested;
    const flush = () => {
      if (plain) links(plain, out);
      plain = '';
    };
    for (let i = 0; i < text.length;) {
      const c = text[i];
      if (c === '`' && !noCode) {
        const end = text.indexOf('`', i + 1);
        if (end < 0) noCode = true;
        else if (end > i + 1) {
          flush();
          out.push({ t: 'code', v: text.slice(i + 1, end) });
          i = end + 1;
          continue;
        }
      } else if (c === '*' && text[i + 1] === '*' && !noBold) {
        const end = text.indexOf('**', i + 2);
        if (end < 0) noBold = true;
        else if (end > i + 2 && !edgeSpace(text.slice(i + 2, end))) {
          flush();
          out.push({ t: 'b', c: inline(text.slice(i + 2, end), true) });
          i = end + 2;
          continue;
        }
      } else if (c === '*' && !noItalic) {
        const end = text.indexOf('*', i + 1);
        if (end < 0) noItalic = true;
        else if (end > i + 1 && !edgeSpace(text.slice(i + 1, end))) {
          flush();
          out.push({ t: 'i', c: inline(text.slice(i + 1, end), true) });
          i = end + 1;
          continue;
        }
      }
      plain += c;
      i++;
    }
    flush();
    return out;
  }

  // The whole text: code blocks between ``` fences, the rest inline.
  function parse(text) {
    const out = [];
    const parts = String(text).split('```');
    // With an even number of parts the last fence has no closer: kept as text.
    const closed = parts.length % 2 === 1 ? parts.length : parts.length - 1;
    let pending = '';
    parts.forEach((part, k) => {
      if (k % 2 === 1 && k < closed) {
        if (pending) out.push(...inline(pending, false));
        pending = '';
        out.push({ t: 'pre', v: part.replace(/^\n/, '').replace(/\n$/, '') });
      } else {
        pending += (k % 2 === 1 ? '```' : '') + part;
      }
    });
    if (pending) out.push(...inline(pending, false));
    return out;
  }

  function isAction(text) {
    return /^\/me\s+\S/.test(text);
  }
  function actionText(text) {
    return text.replace(/^\/me\s+/, '');
  }

  function toNodes(tree, doc) {
    const fragment = doc.createDocumentFragment();
    for (const node of tree) {
      let el;
      if (node.t === 'text') {
        fragment.append(doc.createTextNode(node.v));
        continue;
      } else if (node.t === 'link') {
        el = doc.createElement('a');
        el.href = node.href;
        el.rel = 'noopener noreferrer nofollow';
        el.target = '_blank';
        el.textContent = node.v;
      } else if (node.t === 'code') {
        el = doc.createElement('code');
        el.textContent = node.v;
      } else if (node.t === 'pre') {
        el = doc.createElement('pre');
        const code = doc.createElement('code');
        code.textContent = node.v;
        el.append(code);
      } else {
        el = doc.createElement(node.t === 'b' ? 'strong' : 'em');
        el.append(toNodes(node.c, doc));
      }
      fragment.append(el);
    }
    return fragment;
  }

  exports.parse = parse;
  exports.toNodes = toNodes;
  exports.isAction = isAction;
  exports.actionText = actionText;
  exports.safeHref = safeHref;
})(typeof module === 'object' && module.exports ? module.exports : (window.hchatRichText = {}));
