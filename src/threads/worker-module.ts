/**
 * Where a worker thread finds its module, for the two ways this code runs: compiled (`dist/…/*.js`) and from the
 * TypeScript sources under tsx (tests). A worker thread does not inherit the loader hooks of the thread that starts
 * it, so from the sources it registers tsx before importing.
 */
export interface WorkerModule {
  /** The module's URL, beside `importMetaUrl`. */
  url: string;
  /** Whether the module is a TypeScript source. */
  fromSource: boolean;
}

/** The worker module `name` (without extension) beside the module whose `import.meta.url` is `importMetaUrl`. */
export function workerModule(name: string, importMetaUrl: string): WorkerModule {
  const fromSource = importMetaUrl.endsWith('.ts');
  return { url: new URL(`./${name}${fromSource ? '.ts' : '.js'}`, importMetaUrl).href, fromSource };
}

/**
 * A JavaScript expression for an eval'd worker starter: a promise of the module named by the starter's `url` and
 * `fromSource` variables (taken from `workerData`, see {@link WorkerModule}), through tsx when it is a source.
 */
export const IMPORT_WORKER_MODULE = `(fromSource ? import('tsx/esm/api').then((tsx) => tsx.register()) : Promise.resolve()).then(() => import(url))`;
