import type { z } from 'zod';

export type LeafKind = 'number' | 'boolean' | 'string' | 'json';
export interface ConfigLeaf {
  path: string[];
  env: string;
  kind: LeafKind;
  /** Numbers: the allowed range, for the sentence that says it. */
  range?: { min: number; max: number };
}

interface ZodInternals {
  _zod: { def: { type: string; innerType?: z.ZodType; shape?: Record<string, z.ZodType> } };
}

/** `reset.codeTtlSeconds` → `SSPR_RESET_CODE_TTL_SECONDS`. */
export function envNameFor(path: string[]): string {
  return 'SSPR_' + path.map((part) => part.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('_');
}

/** Lists every leaf key of a (strict) object schema with the environment variable that sets it. */
export function configLeaves(schema: z.ZodType, path: string[] = []): ConfigLeaf[] {
  let inner = schema;
  let def = (inner as unknown as ZodInternals)._zod.def;
  while (def.innerType) {
    inner = def.innerType;
    def = (inner as unknown as ZodInternals)._zod.def;
  }
  if (def.type === 'object' && def.shape) {
    return Object.entries(def.shape).flatMap(([key, child]) => configLeaves(child, [...path, key]));
  }
  const kind: LeafKind = def.type === 'number' ? 'number' : def.type === 'boolean' ? 'boolean' : def.type === 'record' ? 'json' : 'string';
  const leaf: ConfigLeaf = { path, env: envNameFor(path), kind };
  if (kind === 'number') {
    const { minValue, maxValue } = inner as z.ZodNumber;
    leaf.range = { min: minValue ?? -Infinity, max: maxValue ?? Infinity };
  }
  return [leaf];
}
