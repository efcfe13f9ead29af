import { hmac, randomToken } from '../crypto/tokens.js';
import type { Clock } from '../store/clock.js';
import type { WriteBatch } from '../store/write-batch.js';
import type { IntegrityRepository, NotMeLinkRecord } from '../store/integrity-repository.js';
import type { NoticeName } from '../audit/audit-events.js';
import { SsprError } from '../errors/sspr-error.js';

/** Why a link does not work: the audit records it, the person sees one sentence for all. */
export type LinkRefusal = 'unknown' | 'used' | 'expired';

export interface LinkFacts {
  userId: string;
  notice: NoticeName;
  createdAt: number;
}

/** A token is 256 random bits in base64url: 43 characters. Anything else is refused before a lookup. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/**
 * The single-use "this wasn't me" links. The token travels only in the notice; the store keeps its HMAC under a
 * key of its own purpose (a leaked table hands out no working link), with the notice it came with and an expiry.
 */
export class NotMeLinks {
  constructor(
    private readonly repository: Pick<IntegrityRepository, 'addLink' | 'findLink' | 'useLink'>,
    private readonly key: Buffer,
    private readonly clock: Clock,
    readonly ttlDays: number,
  ) {}

  /** A new link's token; with `batch`, the link is stored by the batch's commit. */
  async issue(userId: string, notice: NoticeName, batch?: WriteBatch): Promise<string> {
    const token = randomToken(32);
    const now = this.clock.now();
    await this.repository.addLink(this.digestOf(token), { userId, notice, createdAt: now, expiresAt: now + this.ttlDays * 86_400_000 }, batch);
    return token;
  }

  /** What a live link is about, without using it (the confirm page shows it; a GET never acts). */
  async inspect(token: string): Promise<LinkFacts | { refused: LinkRefusal }> {
    if (typeof token !== 'string' || !TOKEN_PATTERN.test(token)) return { refused: 'unknown' };
    const link = await this.repository.findLink(this.digestOf(token));
    const refusal = this.refusalOf(link);
    if (refusal) return { refused: refusal };
    return { userId: link!.userId, notice: link!.notice as NoticeName, createdAt: link!.createdAt };
  }

  /** Uses a link once: the facts when this call used it; the reason when it does not work (any more). */
  async use(token: string): Promise<LinkFacts | { refused: LinkRefusal }> {
    const facts = await this.inspect(token);
    if ('refused' in facts) return facts;
    if (await this.repository.useLink(this.digestOf(token), this.clock.now())) return facts;
    return { refused: 'used' };
  }

  private refusalOf(link: NotMeLinkRecord | null): LinkRefusal | null {
    if (!link) return 'unknown';
    if (link.usedAt !== null) return 'used';
    if (link.expiresAt <= this.clock.now()) return 'expired';
    return null;
  }

  private digestOf(token: string): string {
    return hmac(this.key, token);
  }
}

export const linkInvalid = () => new SsprError('not-me-link-invalid');
