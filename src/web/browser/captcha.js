// @ts-check
/**
 * Browser side of the proof-of-work captcha (served as a separate file because the CSP forbids inline
 * scripts). Plain ES2020 classic script, no imports;
 * type-checked with tsconfig.browser.json, linted, and served by src/web/assets.ts.
 *
 * Markup contract, inside a <form>:
 *   <div data-captcha-challenge-url="/api/v1/captcha/challenge"
 *        data-text-working="Checking your browser…" data-text-done="Check complete." data-text-error="…"></div>
 *   <input type="hidden" name="captcha">   (created if missing)
 * On load the script fetches a challenge and solves it — SHA-256(salt + n) for n = 0..maxnumber via
 * crypto.subtle.digest, in chunks, yielding to the event loop between them so the page stays responsive —
 * then writes base64(JSON {algorithm, challenge, number, salt, signature, took}) into the hidden input
 * and shows the status text in the div (aria-live). A submit before the solution is ready (or after the
 * challenge expired) is held back and repeated once a fresh solution is in place.
 *
 * Without JavaScript the form cannot pass the captcha; API clients use SSPR_CAPTCHA=off instead.
 */
(() => {
  'use strict';
  const CHUNK = 200;
  const encoder = new TextEncoder();

  const yieldToEventLoop = () => new Promise(/** @param {(value?: unknown) => void} resolve */ (resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });

  const hexToBytes = (hex) => {
    const bytes = new Uint8Array(hex.length / 2);
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.substr(i * 2, 2), 16);
    return bytes;
  };

  const sameBytes = (buffer, expected) => {
    const actual = new Uint8Array(buffer);
    if (actual.length !== expected.length) return false;
    for (let i = 0; i < actual.length; i++) if (actual[i] !== expected[i]) return false;
    return true;
  };

  const solve = async (challenge) => {
    const started = performance.now();
    const target = hexToBytes(challenge.challenge);
    const max = challenge.maxnumber;
    for (let base = 0; base <= max; base += CHUNK) {
      const last = Math.min(base + CHUNK - 1, max);
      const pending = [];
      for (let n = base; n <= last; n++) pending.push(crypto.subtle.digest('SHA-256', encoder.encode(challenge.salt + n)));
      const digests = await Promise.all(pending);
      for (let i = 0; i < digests.length; i++) {
        if (sameBytes(digests[i], target)) return { number: base + i, took: Math.round(performance.now() - started) };
      }
      await yieldToEventLoop();
    }
    return null;
  };

  const expiresAtOf = (salt) => {
    const match = /[?&]expires=(\d+)/.exec(salt);
    return match ? Number(match[1]) * 1000 : Infinity;
  };

  const attach = (box) => {
    const form = box.closest('form');
    if (!form) return;
    let input = form.querySelector('input[name="captcha"]');
    if (!input) {
      input = document.createElement('input');
      input.type = 'hidden';
      input.name = 'captcha';
      form.append(input);
    }
    box.setAttribute('aria-live', 'polite');
    box.setAttribute('role', 'status');
    const text = {
      working: box.dataset.textWorking || 'Checking your browser…',
      done: box.dataset.textDone || 'Check complete.',
      error: box.dataset.textError || 'The browser check failed. Reload the page and try again.',
    };
    const say = (message, state) => { box.textContent = message; box.dataset.state = state; };

    let solved = null;     // { payload, expiresAt }
    let running = null;    // Promise of the solve in progress
    let heldSubmitter;     // the button of a submit that waits for the solution
    let heldSubmit = false;

    const run = () => {
      if (running) return running;
      say(text.working, 'working');
      running = (async () => {
        try {
          const response = await fetch(box.dataset.captchaChallengeUrl, { credentials: 'same-origin', cache: 'no-store' });
          if (!response.ok) throw new Error('challenge ' + response.status);
          const challenge = await response.json();
          const solution = await solve(challenge);
          if (!solution) throw new Error('no solution');
          const payload = {
            algorithm: challenge.algorithm, challenge: challenge.challenge, number: solution.number,
            salt: challenge.salt, signature: challenge.signature, took: solution.took,
          };
          input.value = btoa(JSON.stringify(payload));
          solved = { expiresAt: expiresAtOf(challenge.salt) };
          say(text.done, 'done');
          if (heldSubmit) {
            heldSubmit = false;
            if (typeof form.requestSubmit !== 'function') form.submit();
            else if (heldSubmitter) form.requestSubmit(heldSubmitter);
            else form.requestSubmit();
          }
        } catch {
          input.value = '';
          solved = null;
          heldSubmit = false;
          say(text.error, 'error');
        } finally {
          running = null;
        }
      })();
      return running;
    };

    form.addEventListener('submit', (event) => {
      const fresh = solved && solved.expiresAt - Date.now() > 5000;
      if (fresh) return;
      event.preventDefault();
      heldSubmit = true;
      heldSubmitter = event.submitter || undefined;
      if (!running) { solved = null; input.value = ''; run(); }
    });

    run();
  };

  const start = () => document.querySelectorAll('[data-captcha-challenge-url]').forEach(attach);
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
})();
