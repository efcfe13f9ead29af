// @ts-check
/**
 * Progressive enhancement for the new-password form: as the user types, ask /api/v1/password/check (the
 * flow cookie supplies the context) and show the reasons in an aria-live region. Without JavaScript the
 * form works the same and the server checks on submit. Plain ES2020 classic script, no imports.
 */
(() => {
  const input = /** @type {HTMLInputElement | null} */ (document.getElementById('password'));
  const out = document.getElementById('password-feedback');
  if (!input || !out) return;
  let timer = 0, seq = 0;
  const render = (verdict) => {
    out.replaceChildren();
    out.dataset.accepted = String(verdict.accepted);
    const items = verdict.accepted ? [out.dataset.ok] : verdict.reasons.map((r) => r.message).concat(verdict.suggestions);
    for (const text of items) { const li = document.createElement('li'); li.textContent = text; out.append(li); }
  };
  input.addEventListener('input', () => {
    clearTimeout(timer);
    if (input.value.length === 0) { out.replaceChildren(); delete out.dataset.accepted; return; }
    timer = setTimeout(async () => {
      const mine = ++seq;
      try {
        const response = await fetch('/api/v1/password/check', {
          method: 'POST', credentials: 'same-origin',
          headers: { 'content-type': 'application/json', 'accept-language': document.documentElement.lang },
          body: JSON.stringify({ password: input.value }),
        });
        if (response.ok && mine === seq) render(await response.json());
      } catch { /* feedback is optional; the server checks on submit */ }
    }, 250);
  });
})();
