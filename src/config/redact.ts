import type { Config } from './schema.js';
import { secretPaths } from './schema.js';

/** A copy of the config with every secret value replaced by "(set, hidden)"; safe to print. */
export function redactConfig(config: Config): unknown {
  const walk = (value: unknown, path: string[]): unknown => {
    // Array elements share one path with `*` for the index (`audit.sinks.*.secret`).
    if (Array.isArray(value)) return value.map((child) => walk(child, [...path, '*']));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, walk(child, [...path, key])]));
    }
    return secretPaths.has(path.join('.')) && value !== undefined ? '(set, hidden)' : value;
  };
  return walk(config, []);
}
