/**
 * Browser side of passkey registration and sign-in (served as a separate file because the CSP forbids
 * inline scripts). Plain ES2020, no imports.
 *
 * Markup contract (buttons, `type="button"`):
 *   <button data-passkey-register-url="…/options" data-passkey-register-verify-url="…/verify" data-csrf="…">
 *   <button data-passkey-login-url="…/options" data-passkey-login-verify-url="…/verify" data-csrf="…">
 * Optional on either: data-status-id (id of an aria-live element for messages; one is created after the
 * button if absent), data-text-cancelled, data-text-exists, data-text-unsupported, data-text-error.
 *
 * A click POSTs `{}` to the options URL, passes the options (base64url → ArrayBuffer) to
 * navigator.credentials.create/get, POSTs the credential as WebAuthn JSON (ArrayBuffer → base64url) to the
 * verify URL, then navigates to the `next` URL of the answer (same origin only) or shows the error
 * (`{error: {message}}`, the service's API error shape). Requests send JSON, same-origin credentials, and
 * the button's data-csrf value as the x-csrf-token header.
 */
export const passkeyClientJs = `
(() => {
  'use strict';

  const toBuffer = (base64url) => {
    const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  };

  const toBase64url = (buffer) => {
    const bytes = new Uint8Array(buffer);
    let binary = '';
    for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
  };

  const withCredentialIds = (list) => (list || []).map((c) => Object.assign({}, c, { id: toBuffer(c.id) }));

  const creationOptions = (json) => Object.assign({}, json, {
    challenge: toBuffer(json.challenge),
    user: Object.assign({}, json.user, { id: toBuffer(json.user.id) }),
    excludeCredentials: withCredentialIds(json.excludeCredentials),
  });

  const requestOptions = (json) => Object.assign({}, json, {
    challenge: toBuffer(json.challenge),
    allowCredentials: withCredentialIds(json.allowCredentials),
  });

  const envelope = (credential, response) => ({
    id: credential.id,
    rawId: toBase64url(credential.rawId),
    type: credential.type,
    authenticatorAttachment: credential.authenticatorAttachment || undefined,
    clientExtensionResults: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {},
    response,
  });

  const registrationJson = (credential) => {
    const r = credential.response;
    const publicKey = r.getPublicKey ? r.getPublicKey() : null;
    return envelope(credential, {
      clientDataJSON: toBase64url(r.clientDataJSON),
      attestationObject: toBase64url(r.attestationObject),
      authenticatorData: r.getAuthenticatorData ? toBase64url(r.getAuthenticatorData()) : undefined,
      transports: r.getTransports ? r.getTransports() : [],
      publicKeyAlgorithm: r.getPublicKeyAlgorithm ? r.getPublicKeyAlgorithm() : undefined,
      publicKey: publicKey ? toBase64url(publicKey) : undefined,
    });
  };

  const authenticationJson = (credential) => {
    const r = credential.response;
    return envelope(credential, {
      clientDataJSON: toBase64url(r.clientDataJSON),
      authenticatorData: toBase64url(r.authenticatorData),
      signature: toBase64url(r.signature),
      userHandle: r.userHandle ? toBase64url(r.userHandle) : undefined,
    });
  };

  class ShownError extends Error {}

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

  const messageFor = (button, error) => {
    if (error instanceof ShownError) return error.message;
    const name = error && error.name;
    if (name === 'NotAllowedError' || name === 'AbortError') return button.dataset.textCancelled || 'The passkey request was cancelled or timed out.';
    if (name === 'InvalidStateError') return button.dataset.textExists || 'This passkey is already registered.';
    return button.dataset.textError || 'The passkey could not be used. Please try again.';
  };

  const goTo = (next) => {
    const target = new URL(next, location.href);
    if (target.origin !== location.origin) throw new Error('refusing to leave the origin');
    location.assign(target.href);
  };

  const bind = (button, optionsUrl, verifyUrl, ceremony) => {
    const status = statusFor(button);
    button.addEventListener('click', async (event) => {
      event.preventDefault();
      if (button.disabled) return;
      if (!window.PublicKeyCredential || !navigator.credentials) {
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

  const register = async (options) => registrationJson(await navigator.credentials.create({ publicKey: creationOptions(options) }));
  const login = async (options) => authenticationJson(await navigator.credentials.get({ publicKey: requestOptions(options) }));

  const start = () => {
    document.querySelectorAll('[data-passkey-register-url]').forEach((button) =>
      bind(button, button.dataset.passkeyRegisterUrl, button.dataset.passkeyRegisterVerifyUrl, register));
    document.querySelectorAll('[data-passkey-login-url]').forEach((button) =>
      bind(button, button.dataset.passkeyLoginUrl, button.dataset.passkeyLoginVerifyUrl, login));
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
})();
`;
