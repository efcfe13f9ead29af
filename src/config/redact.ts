import type { Config } from './schema.js';
import { secretPaths } from './schema.js';

/** A copy of the config with every secret value replaced by "(set, hidden)"; safe to print. */
export function redactConfig(config: Config): unknown {
  const walk = (value: unknown, path: string[]): unknown => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, walk(child, [...path, key])]));
    }
    return secretPaths.has(path.join('.')) && value !== undefined ? '(set, hidden)' : value;
  };
  return walk(config, []);
}
