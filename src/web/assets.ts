/** The only stylesheet: served from our origin so the CSP can forbid inline styles. */
export const appCss = `
:root { color-scheme: light dark; --accent: #0b5cad; --error: #b00020; }
body { font: 16px/1.5 system-ui, sans-serif; margin: 0; }
header { display: flex; justify-content: space-between; align-items: center; padding: .75rem 1.5rem; border-bottom: 1px solid #8884; }
.brand { font-weight: 600; text-decoration: none; color: inherit; }
main { max-width: 34rem; margin: 2rem auto; padding: 0 1.5rem; }
label { display: block; font-weight: 600; margin-top: 1rem; }
.help { color: #666; font-size: .9rem; margin: .25rem 0; }
input[type=text], input[type=password], input[type=email] { width: 100%; box-sizing: border-box; padding: .6rem; font-size: 1rem; margin-top: .25rem; }
button, .button { margin-top: 1.25rem; padding: .6rem 1.2rem; font-size: 1rem; background: var(--accent); color: #fff; border: 0; border-radius: 4px; cursor: pointer; text-decoration: none; display: inline-block; }
button.secondary { background: transparent; color: var(--accent); border: 1px solid var(--accent); }
.error { border-left: 4px solid var(--error); padding: .5rem .75rem; background: #b0002014; }
.notice { border-left: 4px solid #1a7f37; padding: .5rem .75rem; background: #1a7f3714; }
.methods label { font-weight: normal; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: 1rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dt { font-weight: 600; }
pre { white-space: pre-wrap; background: #8881; padding: .75rem; }
form.inline { display: inline; } form.inline button { margin: 0 0 0 .5rem; padding: .2rem .6rem; font-size: .85rem; }
ul.registered li { margin: .4rem 0; }
select { width: 100%; padding: .5rem; margin-top: .25rem; font-size: 1rem; }
footer { text-align: center; margin: 2rem; font-size: .9rem; }
.feedback { margin: .5rem 0 0; padding-left: 1.2rem; font-size: .9rem; }
.feedback[data-accepted=false] { color: var(--error); }
.feedback[data-accepted=true] { color: #1b7f3b; list-style: '✓ '; }
`;

/**
 * Progressive enhancement for the new-password form: as the user types, ask /api/v1/password/check (the
 * flow cookie supplies the context) and show the reasons in an aria-live region. Without JavaScript the
 * form works the same and the server checks on submit.
 */
export const passwordFeedbackJs = `
(() => {
  const input = document.getElementById('password');
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
`;
