import { z } from 'zod';

export type LeafKind = 'number' | 'boolean' | 'string' | 'json';
export interface ConfigLeaf {
  path: string[];
  env: string;
  kind: LeafKind;
  /** Numbers: the allowed range, for the sentence that says it. */
  range?: { min: number; max: number };
}

/**
 * The schema a wrapper stands for: optional / default / prefault / catch / nullable keep it in `def.innerType`,
 * a pipe (transform) parses its input with `def.in`.
 */
function wrappedBy(def: z.core.$ZodTypeDef): z.core.$ZodType | undefined {
  if ('innerType' in def && def.innerType instanceof z.core.$ZodType) return def.innerType;
  if (def.type === 'pipe' && 'in' in def && def.in instanceof z.core.$ZodType) return def.in;
  return undefined;
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  const inner = wrappedBy(schema._zod.def);
  return inner ? unwrap(inner) : schema;
}

/** The keys of an object schema (wrapped or not); none for any other schema. */
function keysOf(schema: z.core.$ZodType): string[] {
  const inner = unwrap(schema);
  return inner instanceof z.ZodObject ? Object.keys(inner.shape) : [];
}

/** `reset.codeTtlSeconds` → `SSPR_RESET_CODE_TTL_SECONDS`. */
export function envNameFor(path: string[]): string {
  return 'SSPR_' + path.map((part) => part.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('_');
}

/**
 * Lists every leaf key of a (strict) object schema with the environment variable that sets it. A discriminated
 * union (the `directory` section) is one JSON variable, plus one variable for each `…File` key every option has:
 * a file path set beside the JSON keeps the secret it names out of the JSON.
 */
export function configLeaves(schema: z.core.$ZodType, path: string[] = []): ConfigLeaf[] {
  const leaf = unwrap(schema);
  if (leaf instanceof z.ZodObject) {
    return Object.entries(leaf.shape).flatMap(([key, child]) => configLeaves(child, [...path, key]));
  }
  if (leaf instanceof z.ZodDiscriminatedUnion) {
    const keySets = leaf.options.map(keysOf);
    const fileKeys = (keySets[0] ?? []).filter((key) => key.endsWith('File') && keySets.every((keys) => keys.includes(key)));
    return [{ path, env: envNameFor(path), kind: 'json' }, ...fileKeys.map((key) => ({ path: [...path, key], env: envNameFor([...path, key]), kind: 'string' as const }))];
  }
  if (leaf instanceof z.ZodNumber) {
    return [{ path, env: envNameFor(path), kind: 'number', range: { min: leaf.minValue ?? -Infinity, max: leaf.maxValue ?? Infinity } }];
  }
  const type = leaf._zod.def.type;
  const kind: LeafKind = type === 'boolean' ? 'boolean' : type === 'record' || type === 'array' ? 'json' : 'string';
  return [{ path, env: envNameFor(path), kind }];
}
