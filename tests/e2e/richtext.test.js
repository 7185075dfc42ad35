// Unit tests of the page's rich-text parser (html/richtext.js) in node:
// what is markup, what stays text, and hostile input that must stay inert.
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const rich = require('../../html/richtext.js');

// The tree as a compact string: text as is, [b:…] [i:…] [code:…] [pre:…] [a href|text].
function show(tree) {
  return tree.map((n) => {
    if (n.t === 'text') return n.v;
    if (n.t === 'link') return '[a ' + n.href + '|' + n.v + ']';
    if (n.t === 'code' || n.t === 'pre') return '[' + n.t + ':' + n.v + ']';
    return '[' + n.t + ':' + show(n.c) + ']';
  }).join('');
}
const render = (text) => show(rich.parse(text));

test('markup: bold, italic, code, code blocks, links', () => {
  assert.equal(render('a **bold** and *it* here'), 'a [b:bold] and [i:it] here');
  assert.equal(render('run `make check` now'), 'run [code:make check] now');
  assert.equal(render('```\nint x = 1;\n```'), '[pre:int x = 1;]');
  assert.equal(render('see https://example.org/a_(b)?q=1, ok'),
    'see [a https://example.org/a_(b)?q=1|https://example.org/a_(b)?q=1], ok');
  assert.equal(render('(https://example.org/x).'), '([a https://example.org/x|https://example.org/x]).');
  assert.equal(render('**see https://e.org**'), '[b:see [a https://e.org/|https://e.org]]');
  assert.equal(render('`**not bold**`'), '[code:**not bold**]');
  assert.equal(render('```**no** *markup* in blocks```'), '[pre:**no** *markup* in blocks]');
});

test('markers that do not pair stay as typed', () => {
  for (const text of ['2 * 3 = 6', '**', '*', '`', '```', 'a ** b', '* spaced *', '** spaced **',
    'unclosed **bold', 'half `code', '```never closed', '****', '``']) {
    assert.equal(render(text), text, text);
  }
  assert.equal(render('**a** **b'), '[b:a] **b');
  assert.equal(render('```a``` ```b'), '[pre:a] ```b');
});

test('hostile input stays inert', () => {
  // Only http(s) addresses become links; never javascript:, data: or others.
  for (const text of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'data:text/html,<b>x</b>',
    'vbscript:x', '[x](javascript:alert(1))', 'file:///etc/passwd', 'ftp://example.org']) {
    assert.ok(!rich.parse(text).some((n) => n.t === 'link'), text);
  }
  assert.equal(rich.safeHref('javascript:alert(1)'), null);
  assert.equal(rich.safeHref('https://e.org/"onmouseover="x'), 'https://e.org/%22onmouseover=%22x');
  // Markup-looking text is text: the tree only has text nodes for it.
  assert.equal(render('<img src=x onerror=alert(1)>'), '<img src=x onerror=alert(1)>');
  assert.equal(render('https://e.org/<script>'), '[a https://e.org/|https://e.org/]<script>');
  // Nesting does not go deep: italic inside bold is text.
  assert.equal(render('**a *b* c**'), '[b:a *b* c]');
});

// A parser that backtracks would not end within the test's timeout.
test('10,000 asterisks and other long inputs are kept whole', { timeout: 20000 }, () => {
  for (const text of ['*'.repeat(10000), '**a'.repeat(5000), '`'.repeat(10001),
    '*a '.repeat(5000), 'https://e.org/'.repeat(2000), '```'.repeat(3333) + 'x']) {
    const tree = rich.parse(text);
    assert.ok(tree.length > 0);
  }
  // What is not markup is shown exactly.
  assert.equal(render('*'.repeat(10000)), '*'.repeat(10000));
});

test('/me actions', () => {
  assert.ok(rich.isAction('/me waves'));
  assert.equal(rich.actionText('/me  waves **hi**'), 'waves **hi**');
  assert.ok(!rich.isAction('/me'));
  assert.ok(!rich.isAction('/meow'));
  assert.ok(!rich.isAction(' /me waves'));
});
