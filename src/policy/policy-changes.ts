import type { SsprPolicy } from './sspr-policy.js';

/** One changed setting, as the audit trail and the preview show it: dotted name, old and new value (JSON text). */
export interface PolicyChange {
  setting: string;
  from: string;
  to: string;
}

function flatten(value: unknown, prefix: string, into: Map<string, string>): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) flatten(inner, prefix ? `${prefix}.${key}` : key, into);
  } else into.set(prefix, JSON.stringify(value));
}

/** The settings that differ between two policies, in the schema's order (`throttles.*` one by one). */
export function policyChanges(before: SsprPolicy, after: SsprPolicy): PolicyChange[] {
  const a = new Map<string, string>();
  const b = new Map<string, string>();
  flatten(before, '', a);
  flatten(after, '', b);
  const changes: PolicyChange[] = [];
  for (const [setting, to] of b) {
    const from = a.get(setting) ?? 'null';
    if (from !== to) changes.push({ setting, from, to });
  }
  return changes;
}

/** The changes as one line for the audit trail: "methodsRequired: 1 → 2; throttles.smsPerHour: 5 → 3". */
export function changesLine(changes: readonly PolicyChange[]): string {
  return changes.map((c) => `${c.setting}: ${c.from} → ${c.to}`).join('; ').slice(0, 2000);
}
