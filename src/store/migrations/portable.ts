import type { ColumnDataType, CreateTableBuilder } from 'kysely';

export type Dialect = 'sqlite' | 'postgres';

/** An auto-incrementing integer primary key named `id`, spelled the way each dialect wants it. */
export function addAutoId<T extends string>(table: CreateTableBuilder<T>, dialect: Dialect): CreateTableBuilder<T, 'id'> {
  return dialect === 'postgres'
    ? table.addColumn('id', 'serial', (c) => c.primaryKey())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}

/** NOT NULL columns without defaults, added in the order listed (`{ name: type }`); the same SQL on both dialects. */
export function addRequired<T extends string, C extends string, N extends string>(
  table: CreateTableBuilder<T, C>,
  columns: Record<N, ColumnDataType>,
): CreateTableBuilder<T, C | N> {
  let built: CreateTableBuilder<T, C | N> = table;
  for (const [name, type] of Object.entries(columns) as Array<[N, ColumnDataType]>) built = built.addColumn(name, type, (c) => c.notNull());
  return built;
}
