/**
 * The names of a registry that lists one module per name (directory kinds, SMS providers), as the non-empty tuple
 * `z.enum` takes. The registry's type has one key per name, so the tuple is never empty.
 */
export function listedNames<Name extends string>(registry: { [N in Name]: unknown }): [Name, ...Name[]] {
  return Object.keys(registry) as [Name, ...Name[]];
}
