import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { configSchema, secretPaths, type Config } from './schema.js';
import { configLeaves, type ConfigLeaf } from './env-keys.js';
import { SsprError } from '../errors/sspr-error.js';

/** Environment variables that are not config keys but are read by the CLI itself. */
const envNotConfigKeys = new Set(['SSPR_CONFIG']);
/**
 * Prefixes reserved for the test harness, benchmarks and what the primary of `sspr serve` tells its workers; they
 * never reach the service's config.
 */
const envReservedPrefixes = ['SSPR_TEST_', 'SSPR_BENCH_', 'SSPR_WORKER_'];

const leaves = configLeaves(configSchema);
/** Every secret key can also come from a file: SSPR_…_FILE names it (Docker/Kubernetes secrets). */
const fileLeaves = new Map(leaves.filter((leaf) => secretPaths.has(leaf.path.join('.'))).map((leaf) => [`${leaf.env}_FILE`, leaf]));

/**
 * Kubernetes sets SERVICE_HOST/SERVICE_PORT/PORT… variables for every Service in the namespace ("service
 * links"); a Service named `sspr` produces SSPR_SERVICE_HOST and SSPR_PORT=tcp://….
 */
function serviceLinkHint(name: string, value: string): string {
  const looksLikeLink = /^(tcp|udp|sctp):\/\//.test(value) || /_SERVICE_(HOST|PORT)(_|$)/.test(name) || /_PORT_\d+_(TCP|UDP|SCTP)/.test(name);
  return looksLikeLink ? ' — it looks like a Kubernetes service link (a Service named "sspr…"): set enableServiceLinks: false in the pod spec' : '';
}

function invalid(detail: string): SsprError {
  return new SsprError('config-invalid', { detail });
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw invalid(`cannot read the config file ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw invalid(`the config file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw invalid(`the config file ${file} must hold a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

/** A secret from a file, without its trailing line break; an unreadable file is named, its contents never. */
function readSecretFile(variable: string, file: string): string {
  try {
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw invalid(`${variable}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

function envValue(leaf: ConfigLeaf, raw: string): unknown {
  if (leaf.kind === 'number') {
    if (!/^-?\d+(\.\d+)?$/.test(raw.trim())) throw invalid(`${leaf.env}: expected a number, got "${raw}"${serviceLinkHint(leaf.env, raw)}`);
    return Number(raw);
  }
  if (leaf.kind === 'boolean') {
    const value = raw.trim().toLowerCase();
    if (['true', '1', 'on', 'yes'].includes(value)) return true;
    if (['false', '0', 'off', 'no'].includes(value)) return false;
    throw invalid(`${leaf.env}: expected true or false, got "${raw}"`);
  }
  if (leaf.kind === 'json') {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      throw invalid(`${leaf.env}: expected a JSON object`);
    }
  }
  return raw;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

/**
 * Builds the effective configuration: file (from `file`, else SSPR_CONFIG), then environment overrides,
 * validated once. Throws `config-invalid` naming the dotted path (or variable) and what was expected.
 */
export function loadConfig(options: { file?: string; env?: NodeJS.ProcessEnv } = {}): Config {
  const env = options.env ?? process.env;
  const file = options.file ?? env.SSPR_CONFIG;
  const raw: Record<string, unknown> = file ? readConfigFile(resolve(file)) : {};

  const known = new Set([...leaves.map((leaf) => leaf.env), ...fileLeaves.keys()]);
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('SSPR_') || known.has(name) || envNotConfigKeys.has(name)) continue;
    if (envReservedPrefixes.some((prefix) => name.startsWith(prefix))) continue;
    throw invalid(`unknown environment variable ${name}${serviceLinkHint(name, value ?? '')}; see the README for the list of SSPR_ variables`);
  }
  for (const leaf of leaves) {
    const value = env[leaf.env];
    if (value !== undefined && value !== '') setPath(raw, leaf.path, envValue(leaf, value));
  }
  for (const [name, leaf] of fileLeaves) {
    const file = env[name];
    if (file === undefined || file === '') continue;
    if (env[leaf.env]) throw invalid(`set ${leaf.env} or ${name}, not both`);
    setPath(raw, leaf.path, readSecretFile(name, file));
  }

  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const detail = result.error.issues
      .map((issue) => {
        const base = issue.path.join('.');
        if (issue.code === 'unrecognized_keys') {
          return issue.keys.map((key) => `${base ? base + '.' : ''}${key}: unknown key`).join('; ');
        }
        const range = (issue.code === 'too_small' || issue.code === 'too_big') && leaves.find((leaf) => leaf.path.join('.') === base)?.range;
        if (range) return `${base}: ${JSON.stringify(valueAt(raw, issue.path))} is out of range (${rangeText(range)})`;
        return `${base || '(root)'}: ${issue.message}`;
      })
      .join('; ');
    throw invalid(detail);
  }
  return result.data;
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  return path.reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined), root);
}

function rangeText({ min, max }: { min: number; max: number }): string {
  if (max >= Number.MAX_SAFE_INTEGER) return `at least ${min}`;
  return `${min}–${max}`;
}

export { leaves as configKeys };
