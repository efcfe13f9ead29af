import type { z } from 'zod';

export type LeafKind = 'number' | 'boolean' | 'string' | 'json';
export interface ConfigLeaf {
  path: string[];
  env: string;
  kind: LeafKind;
  /** Numbers: the allowed range, for the sentence that says it. */
  range?: { min: number; max: number };
}

interface ZodDef {
  type: string;
  innerType?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  /** Discriminated unions: the key that selects the option, and the options. */
  discriminator?: string;
  options?: z.ZodType[];
  /** Pipes (transforms): the schema that parses the input. */
  in?: z.ZodType;
}
interface ZodInternals {
  _zod: { def: ZodDef };
}

/** The schema under optional/default/pipe wrappers, and its definition. */
function unwrap(schema: z.ZodType): { inner: z.ZodType; def: ZodDef } {
  const def = (schema as unknown as ZodInternals)._zod.def;
  const next = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
  return next ? unwrap(next) : { inner: schema, def };
}

function defOf(schema: z.ZodType): ZodDef {
  return unwrap(schema).def;
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
export function configLeaves(schema: z.ZodType, path: string[] = []): ConfigLeaf[] {
  const { inner, def } = unwrap(schema);
  if (def.type === 'object' && def.shape) {
    return Object.entries(def.shape).flatMap(([key, child]) => configLeaves(child, [...path, key]));
  }
  if (def.discriminator !== undefined && def.options) {
    const keySets = def.options.map((option) => Object.keys(defOf(option).shape ?? {}));
    const fileKeys = (keySets[0] ?? []).filter((key) => key.endsWith('File') && keySets.every((keys) => keys.includes(key)));
    return [{ path, env: envNameFor(path), kind: 'json' }, ...fileKeys.map((key) => ({ path: [...path, key], env: envNameFor([...path, key]), kind: 'string' as const }))];
  }
  const kind: LeafKind = def.type === 'number' ? 'number' : def.type === 'boolean' ? 'boolean' : def.type === 'record' ? 'json' : 'string';
  const leaf: ConfigLeaf = { path, env: envNameFor(path), kind };
  if (kind === 'number') {
    const { minValue, maxValue } = inner as z.ZodNumber;
    leaf.range = { min: minValue ?? -Infinity, max: maxValue ?? Infinity };
  }
  return [leaf];
}
