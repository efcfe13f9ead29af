// @ts-check
/**
 * Progressive enhancement for the new-password form: as the user types, ask /api/v1/password/check (the flow
 * cookie supplies the context) and mark each rule of the checklist (#password-rules, one <li> per rule naming
 * the engine's reason codes in data-codes) met or not met; #password-hint shows at most one plain hint. A
 * refusal shown by the server (#error, with aria-invalid on the field) goes away once the password meets every
 * rule. Without JavaScript the form works the same and the server marks the list on submit.
 * Plain ES2020 classic script, no imports.
 */
(() => {
  const input = /** @type {HTMLInputElement | null} */ (document.getElementById('password'));
  const list = document.getElementById('password-rules');
  const hint = document.getElementById('password-hint');
  if (!input || !list || !hint) return;
  const initialHint = hint.textContent ?? '';
  const refusedOnLoad = input.getAttribute('aria-invalid') === 'true';
  const items = /** @type {HTMLElement[]} */ (Array.from(list.querySelectorAll('li[data-rule]')));
  let timer = 0, seq = 0;

  /** @param {HTMLElement} item @param {'met' | 'unmet' | 'pending'} state */
  const mark = (item, state) => {
    item.dataset.state = state;
    const status = item.querySelector('.visually-hidden');
    if (status) status.textContent = state === 'pending' ? '' : ` (${state === 'met' ? list.dataset.textMet : list.dataset.textUnmet})`;
  };

  /** @param {{accepted: boolean, reasons: Array<{code: string}>, suggestions: string[]}} verdict */
  const render = (verdict) => {
    const refused = new Set(verdict.reasons.map((r) => r.code));
    for (const item of items) {
      const codes = (item.dataset.codes ?? '').split(' ');
      const unmet = codes.some((code) => refused.has(code));
      mark(item, unmet ? 'unmet' : item.dataset.live === 'false' ? 'pending' : 'met');
    }
    hint.textContent = verdict.accepted ? (list.dataset.textAccepted ?? '') : (verdict.suggestions[0] ?? initialHint);
    if (verdict.accepted) {
      input.removeAttribute('aria-invalid');
      if (refusedOnLoad) document.getElementById('error')?.remove();
    }
  };

  input.addEventListener('input', () => {
    clearTimeout(timer);
    if (input.value.length === 0) {
      for (const item of items) mark(item, 'pending');
      hint.textContent = initialHint;
      return;
    }
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
