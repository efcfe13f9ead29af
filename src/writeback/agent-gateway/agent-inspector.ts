import { DirectoryError } from '../../directory/onprem/onprem-directory.js';
import { InspectorUnreachable, type AccountInspection, type DirectoryInspector, type ServiceProbe } from '../directory-inspector.js';
import type { AgentHub } from './agent-hub.js';

const QUERY_MS = 3000;

/**
 * The doctor's view of the directory in agent mode: a ready agent on this node runs the same read-only
 * inspection next to the directory (src/writeback/direct-inspector.ts) and returns it. Without a ready agent
 * on this node the inspection cannot run here (InspectorUnreachable); the doctor says where it can.
 */
export class AgentInspector implements DirectoryInspector {
  constructor(
    private readonly hub: AgentHub,
    /** The configured directory kind; null: whichever kind has a ready agent (the server has no directory section). */
    private readonly directory: string | null,
  ) {}

  async inspect(user: { username: string; anchor: string | null; source: string }): Promise<AccountInspection> {
    return (await this.ask('inspect', this.directory ?? user.source, { username: user.username, anchor: user.anchor })) as AccountInspection;
  }

  async probe(): Promise<ServiceProbe> {
    return (await this.ask('probe', this.directory, {})) as ServiceProbe;
  }

  private async ask(kind: 'inspect' | 'probe', directory: string | null, params: { username?: string; anchor?: string | null }): Promise<unknown> {
    const session = this.hub.pick(directory);
    if (!session) throw new InspectorUnreachable(directory);
    const answer = await session.query(kind, params, QUERY_MS);
    if (!answer.ok) throw new DirectoryError(answer.reason ?? 'unreachable', answer.raw ?? 'the agent could not answer');
    return answer.data;
  }
}
