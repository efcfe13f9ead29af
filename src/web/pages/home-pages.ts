import type { FastifyInstance } from 'fastify';
import type { Services } from '../../app/services.js';
import type { PageKit } from './page-kit.js';
import { html } from '../html.js';
import { t } from './ui-text.js';

/** The start page, and in demo mode only the outbox that shows sent mail. */
export async function homePages(app: FastifyInstance, services: Services, kit: PageKit): Promise<void> {
  app.get('/', async (request, reply) => {
    const lang = request.ctx.lang;
    return kit.render(request, reply, t(lang, 'home.title'), () => html`<p>${t(lang, 'home.intro')}</p>
<p><a class="button" href="/reset">${t(lang, 'home.reset')}</a></p>
<p><a href="/signin">${t(lang, 'home.signin')}</a></p>`);
  });

  const outbox = services.outbox;
  if (!outbox) return;
  app.get('/demo/outbox', async (request, reply) => {
    const lang = request.ctx.lang;
    const entries = outbox.list();
    return kit.render(request, reply, t(lang, 'outbox.title'), () => html`<p>${t(lang, 'outbox.text')}</p>
${entries.length === 0 ? html`<p>${t(lang, 'outbox.empty')}</p>` : ''}
${entries.map(
  (mail) => html`<article class="mail"><h2>${mail.subject}</h2><p>→ ${mail.to} · ${new Date(mail.at).toISOString()}</p><pre>${mail.text}</pre></article>`,
)}`);
  });
}
