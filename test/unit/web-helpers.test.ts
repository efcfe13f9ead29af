import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { html, raw, escapeHtml } from '../../src/web/html.js';
import { parseCookies, serializeCookie, cookieName } from '../../src/web/cookies.js';
import { Csrf } from '../../src/web/csrf.js';
import { negotiateLang } from '../../src/i18n/lang.js';
import { loggableUrl } from '../../src/app/logger.js';

describe('html escaping', () => {
  it('escapes interpolations and keeps nested html', () => {
    const name = '<img src=x onerror="alert(1)">&\'';
    assert.equal(html`<p>${name}</p>`.value, '<p>&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#39;</p>');
    assert.equal(html`<div>${html`<b>${'a<b'}</b>`}${raw('<i>ok</i>')}</div>`.value, '<div><b>a&lt;b</b><i>ok</i></div>');
    assert.equal(html`${[1, 'x', null, undefined, false]}`.value, '1x');
    assert.equal(escapeHtml('"'), '&quot;');
  });
});

describe('cookies', () => {
  it('parses, tolerating junk, first duplicate wins', () => {
    const cookies = parseCookies('a=1; b="two"; junk; =x; a=3; c=%E2%82%AC; d=%E0%A4%A');
    assert.equal(cookies.get('a'), '1');
    assert.equal(cookies.get('b'), 'two');
    assert.equal(cookies.get('c'), '€');
    assert.equal(cookies.has('d'), false);
  });
  it('uses __Host- names and Secure under HTTPS', () => {
    assert.equal(cookieName({ secure: true }, 'session'), '__Host-sspr_session');
    const set = serializeCookie({ secure: true }, 'flow', 'abc', 900);
    assert.equal(set, '__Host-sspr_flow=abc; Path=/; HttpOnly; SameSite=Lax; Secure; Max-Age=900');
    assert.doesNotMatch(serializeCookie({ secure: false }, 'flow', 'abc'), /Secure/);
  });
});

describe('CSRF tokens', () => {
  it('accept only the token made for this cookie with this key', () => {
    const csrf = new Csrf(Buffer.alloc(32, 1));
    const cookie = csrf.newCookieValue();
    const token = csrf.tokenFor(cookie);
    assert.equal(csrf.isValid(cookie, token), true);
    assert.equal(csrf.isValid(csrf.newCookieValue(), token), false);
    assert.equal(csrf.isValid(undefined, token), false);
    assert.equal(csrf.isValid(cookie, undefined), false);
    assert.equal(csrf.isValid(cookie, ['x']), false);
    assert.equal(new Csrf(Buffer.alloc(32, 2)).isValid(cookie, token), false);
  });
});

describe('language negotiation', () => {
  it('honours explicit choice, then q-values, then English', () => {
    assert.equal(negotiateLang('de', 'en'), 'de');
    assert.equal(negotiateLang(undefined, 'da-DK, da;q=0.9, de;q=0.8, en;q=0.7'), 'de');
    assert.equal(negotiateLang(undefined, 'fr-CH, fr;q=0.9, de;q=0.8, en;q=0.7'), 'fr');
    assert.equal(negotiateLang(undefined, 'en;q=0.5, de;q=0.9'), 'de');
    assert.equal(negotiateLang(undefined, 'de;q=0, en'), 'en');
    assert.equal(negotiateLang('xx', 'da'), 'en');
    assert.equal(negotiateLang('xx', 'fr'), 'fr');
    assert.equal(negotiateLang(undefined, undefined), 'en');
  });

  it('falls back by primary language: regional variants to the language we have', () => {
    for (const [header, lang] of [
      ['pt', 'pt-BR'], ['pt-PT', 'pt-BR'], ['pt-br', 'pt-BR'], ['de-AT', 'de'], ['de-CH;q=0.9', 'de'], ['en-GB', 'en'],
      ['ja-JP', 'ja'], ['sv-FI', 'sv'], ['nl-BE', 'nl'], ['es-419', 'es'], ['zh-CN', 'en'], ['*', 'en'], ['', 'en'],
    ] as const) assert.equal(negotiateLang(undefined, header), lang, header);
    assert.equal(negotiateLang(undefined, 'zh-CN, pl;q=0.3, *;q=0.1'), 'pl');
    assert.equal(negotiateLang(undefined, 'it;q=0.4, es;q=0.4'), 'it', 'equal q: header order');
    assert.equal(negotiateLang(undefined, 'it;q=2, es;q=0.4'), 'es', 'q above 1 is not valid');
  });

  it('takes an explicit choice in any spelling, and only a whole supported tag', () => {
    assert.equal(negotiateLang('pt-br', 'de'), 'pt-BR');
    assert.equal(negotiateLang('JA', 'de'), 'ja');
    assert.equal(negotiateLang('pt', 'de'), 'de', 'an explicit choice is a tag we list, not a range');
    assert.equal(negotiateLang(['fr'], 'de'), 'de');
  });

  it('reads a bounded header: a huge one costs no more than its first ranges', () => {
    const huge = `${'xx;q=0.5, '.repeat(100_000)}fr`;
    const started = performance.now();
    assert.equal(negotiateLang(undefined, huge), 'en');
    assert.ok(performance.now() - started < 20, 'well under the event-loop budget');
    assert.equal(negotiateLang(undefined, `${'xx, '.repeat(30)}fr`), 'en', 'ranges after the 24th are not read');
  });
});

describe('log hygiene', () => {
  it('masks flow ids and drops query strings in logged URLs', () => {
    assert.equal(loggableUrl('/api/v1/reset/SECRETFLOWID/verify?x=1'), '/api/v1/reset/:flow/verify');
    assert.equal(loggableUrl('/reset/code?lang=de'), '/reset/code');
  });
});
