// @ts-check
/**
 * Browser side of passkey registration and sign-in, on @simplewebauthn/browser (its UMD build is served in
 * front of this script as one asset, src/web/assets.ts). Plain ES2020 classic script, no imports.
 *
 * Markup contract (buttons, `type="button"`):
 *   <button data-passkey-register-url="…/options" data-passkey-register-verify-url="…/verify" data-csrf="…">
 *   <button data-passkey-login-url="…/options" data-passkey-login-verify-url="…/verify" data-csrf="…">
 * Optional on either: data-status-id (id of an aria-live element for messages; one is created after the
 * button if absent), data-text-cancelled, data-text-exists, data-text-unsupported, data-text-error.
 *
 * A click POSTs `{}` to the options URL, runs the WebAuthn ceremony with those options (startRegistration /
 * startAuthentication), POSTs the credential as WebAuthn JSON to the verify URL, then navigates to the `next`
 * URL of the answer (same origin only) or shows the error (`{error: {message}}`, the service's API error
 * shape). Requests send JSON, same-origin credentials, and the button's data-csrf value as the x-csrf-token
 * header.
 */
(() => {
  'use strict';
  const { startRegistration, startAuthentication, browserSupportsWebAuthn } = SimpleWebAuthnBrowser;

  class ShownError extends Error {}

  /** @param {string} url @param {unknown} body @param {string} csrf */
  const postJson = async (url, body, csrf) => {
    const response = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify(body),
    });
    let answer = null;
    try { answer = await response.json(); } catch { /* not JSON */ }
    if (!response.ok) {
      const message = answer && answer.error && answer.error.message;
      throw message ? new ShownError(message) : new Error('HTTP ' + response.status);
    }
    return answer || {};
  };

  /** @param {HTMLButtonElement} button */
  const statusFor = (button) => {
    let box = button.dataset.statusId ? document.getElementById(button.dataset.statusId) : null;
    if (!box) {
      box = document.createElement('p');
      box.className = 'passkey-status';
      button.after(box);
    }
    box.setAttribute('role', 'status');
    box.setAttribute('aria-live', 'polite');
    return box;
  };

  /** @param {HTMLButtonElement} button @param {unknown} error */
  const messageFor = (button, error) => {
    if (error instanceof ShownError) return error.message;
    const name = error instanceof Error ? error.name : '';
    const code = error instanceof SimpleWebAuthnBrowser.WebAuthnError ? error.code : '';
    if (name === 'NotAllowedError' || name === 'AbortError' || code === 'ERROR_CEREMONY_ABORTED') return button.dataset.textCancelled || 'The passkey request was cancelled or timed out.';
    if (name === 'InvalidStateError' || code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED') return button.dataset.textExists || 'This passkey is already registered.';
    return button.dataset.textError || 'The passkey could not be used. Please try again.';
  };

  /** @param {string} next */
  const goTo = (next) => {
    const target = new URL(next, location.href);
    if (target.origin !== location.origin) throw new Error('refusing to leave the origin');
    location.assign(target.href);
  };

  /**
   * @param {HTMLButtonElement} button
   * @param {string} optionsUrl
   * @param {string} verifyUrl
   * @param {(optionsJSON: any) => Promise<unknown>} ceremony
   */
  const bind = (button, optionsUrl, verifyUrl, ceremony) => {
    const status = statusFor(button);
    button.addEventListener('click', async (event) => {
      event.preventDefault();
      if (button.disabled) return;
      if (!browserSupportsWebAuthn()) {
        status.textContent = button.dataset.textUnsupported || 'This browser does not support passkeys.';
        return;
      }
      const csrf = button.dataset.csrf || '';
      button.disabled = true;
      button.setAttribute('aria-busy', 'true');
      status.textContent = '';
      try {
        const options = await postJson(optionsUrl, {}, csrf);
        const credential = await ceremony(options);
        const answer = await postJson(verifyUrl, credential, csrf);
        if (typeof answer.next !== 'string') throw new Error('no next URL');
        goTo(answer.next);
      } catch (error) {
        status.textContent = messageFor(button, error);
        status.dataset.state = 'error';
      } finally {
        button.disabled = false;
        button.removeAttribute('aria-busy');
      }
    });
  };

  const start = () => {
    document.querySelectorAll('[data-passkey-register-url]').forEach((button) =>
      bind(/** @type {HTMLButtonElement} */ (button), button.getAttribute('data-passkey-register-url') || '', button.getAttribute('data-passkey-register-verify-url') || '',
        (optionsJSON) => startRegistration({ optionsJSON })));
    document.querySelectorAll('[data-passkey-login-url]').forEach((button) =>
      bind(/** @type {HTMLButtonElement} */ (button), button.getAttribute('data-passkey-login-url') || '', button.getAttribute('data-passkey-login-verify-url') || '',
        (optionsJSON) => startAuthentication({ optionsJSON })));
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
})();
