/**
 * zxcvbn's static dictionaries for the strength estimate: which packages hold them, in which order they rank, and
 * the compact structure built from them (compact-dictionaries.ts).
 *
 * Memory contract: the packages' word lists (≈ 6 MB of source, ≈ 0.8 M strings, ≈ 50 MB of heap while they live)
 * never enter the serving thread. {@link loadStrengthDictionaries} reads the structure from the file the build
 * wrote ({@link writeStrengthDictionaryFile}, strength-dictionary-file.ts) when its stamp matches the installed
 * packages; otherwise it builds it in a short-lived worker thread, waits for it synchronously (Atomics.wait, so the
 * sync evaluation core needs no async start-up step) and takes over its typed arrays; the worker's whole heap goes
 * when it exits, and the serving thread's heap and young generation never grow for the build.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { endianness } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { IMPORT_WORKER_MODULE, workerModule } from '../threads/worker-module.js';
import { languages, type Lang } from '../i18n/lang.js';
import { CompactDictionaries, type CompactDictionaryParts } from './compact-dictionaries.js';
import { readDictionaryFile, writeDictionaryFile } from './strength-dictionary-file.js';

export type CommonPackage = typeof import('@zxcvbn-ts/language-common');
/** What this module reads of a zxcvbn-ts 3 language package; packages name their name lists differently. */
interface LanguagePackage {
  dictionary: Record<string, string[]>;
}

/**
 * The zxcvbn-ts language package with the words of each interface language, or null where none exists
 * (Swedish: no package for zxcvbn-ts 3). A Record over Lang, so a language added to the list must be named here.
 */
const dictionaryPackages: Record<Lang, string | null> = {
  en: '@zxcvbn-ts/language-en',
  de: '@zxcvbn-ts/language-de',
  fr: '@zxcvbn-ts/language-fr',
  es: '@zxcvbn-ts/language-es-es',
  it: '@zxcvbn-ts/language-it',
  nl: '@zxcvbn-ts/language-nl-be',
  pl: '@zxcvbn-ts/language-pl',
  'pt-BR': '@zxcvbn-ts/language-pt-br',
  sv: null,
  ja: '@zxcvbn-ts/language-ja',
};

const dictionaryNames = ['commonWords', 'firstnames', 'lastnames', 'wikipedia'] as const;
type DictionaryName = (typeof dictionaryNames)[number];

/** A package's lists by zxcvbn's dictionary names: first and last names gathered from however the package splits them. */
function listsOf(pkg: LanguagePackage): Record<DictionaryName, string[][]> {
  const named = (pattern: RegExp) => Object.entries(pkg.dictionary).filter(([name]) => pattern.test(name)).map(([, words]) => words);
  return { commonWords: named(/^commonWords$/), firstnames: named(/firstnames$/i), lastnames: named(/lastnames$/i), wikipedia: named(/^wikipedia$/) };
}

/** Interleaves rank-ordered word lists, so no list's words rank behind another's. */
function interleave(lists: readonly (readonly string[])[]): string[] {
  const merged: string[] = [];
  const length = Math.max(0, ...lists.map((list) => list.length));
  for (let i = 0; i < length; i++) {
    for (const list of lists) {
      const word = list[i];
      if (word !== undefined) merged.push(word);
    }
  }
  return merged;
}

/**
 * The static dictionaries in zxcvbn's order: the common package's, then English and German sharing one ranking
 * (their words interleaved: the golden verdicts were reviewed against it), then every further language under
 * `<name>-<lang>` with its own ranks, so adding a language does not push another language's common words down the
 * ranking. zxcvbn's feedback still recognises `wikipedia-*` and `*firstnames-*`; only a further language's last
 * names lose the "names are easy to guess" warning.
 */
export function strengthDictionaryLists(require: NodeRequire = createRequire(import.meta.url)): [name: string, words: string[]][] {
  const common = require('@zxcvbn-ts/language-common') as CommonPackage;
  const lists = (lang: Lang) => {
    const name = dictionaryPackages[lang];
    return name === null ? null : listsOf(require(name) as LanguagePackage);
  };
  const [en, de] = [lists('en'), lists('de')];
  const pair = (name: DictionaryName) => interleave([...(en?.[name] ?? []), ...(de?.[name] ?? [])]);
  const further = languages.filter((lang) => lang !== 'en' && lang !== 'de').flatMap((lang) => {
    const own = lists(lang);
    return own === null ? [] : dictionaryNames.map((name): [string, string[]] => [`${name}-${lang}`, interleave(own[name])]);
  });
  return [...Object.entries(common.dictionary), ...dictionaryNames.map((name): [string, string[]] => [name, pair(name)]), ...further];
}

/** The compact dictionaries and the keyboard graphs of @zxcvbn-ts/language-common: what the estimator keeps. */
export interface StrengthDictionaries {
  compact: CompactDictionaries;
  graphs: CommonPackage['adjacencyGraphs'];
}

/** What the build worker answers. */
type BuildAnswer = { parts: CompactDictionaryParts; graphs: CommonPackage['adjacencyGraphs'] } | { error: string };

/** Builds the dictionaries in this thread (the worker's side; also the answer where no worker can run). */
export function buildStrengthDictionaries(): { parts: CompactDictionaryParts; graphs: CommonPackage['adjacencyGraphs'] } {
  const require = createRequire(import.meta.url);
  const { adjacencyGraphs } = require('@zxcvbn-ts/language-common') as CommonPackage;
  return { parts: new CompactDictionaries(strengthDictionaryLists(require)).parts(), graphs: adjacencyGraphs };
}

/** The built dictionaries' file, beside this module (`npm run build` writes it into dist/). */
const DICTIONARY_FILE = fileURLToPath(new URL('./strength-dictionaries.bin', import.meta.url));
/** Changes whenever the layout of the parts, or the way lists become parts, changes. */
const BUILD_FORMAT = 1;

/**
 * What the built dictionaries depend on besides this code: the packages' versions, the interface languages, the
 * byte order of the arrays. A file with another stamp is built again.
 */
function dictionaryStamp(require: NodeRequire = createRequire(import.meta.url)): string {
  const packages = ['@zxcvbn-ts/language-common', ...languages.map((lang) => dictionaryPackages[lang] ?? `${lang}:none`)];
  const version = (name: string) => {
    if (!name.startsWith('@')) return name;
    const manifest = JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string };
    return `${name}@${manifest.version}`;
  };
  return [`format ${BUILD_FORMAT}`, endianness(), ...packages.map(version)].join(' ');
}

/** Builds the dictionaries in this thread and writes them to the file {@link loadStrengthDictionaries} reads first. */
export function writeStrengthDictionaryFile(path = DICTIONARY_FILE): void {
  writeDictionaryFile(path, dictionaryStamp(), buildStrengthDictionaries());
}

/** Longest wait for the build worker (it takes ≈ 0.5 s of CPU); past it, or when it fails, the build runs here. */
const WORKER_DEADLINE_MS = 60_000;

/**
 * The dictionaries from the build's file, or built in a worker thread and handed over (see the file comment).
 * Blocks the calling thread for the build. A worker that cannot start or fails leaves the build to this thread (same answer, more heap), with a
 * process warning that names the failure.
 */
export function loadStrengthDictionaries(file = DICTIONARY_FILE): StrengthDictionaries {
  const stored = readDictionaryFile<CommonPackage['adjacencyGraphs']>(file, dictionaryStamp());
  if (stored) return { compact: new CompactDictionaries(stored.parts), graphs: stored.graphs };
  const answer = buildInWorker();
  // The fallback keeps the service answering; the warning says why the process holds the packages' heap.
  if ('error' in answer) process.emitWarning(`the strength dictionaries are built in the serving thread: ${answer.error}`, { code: 'SSPR_STRENGTH_WORKER' });
  const built = 'parts' in answer ? answer : buildStrengthDictionaries();
  return { compact: new CompactDictionaries(built.parts), graphs: built.graphs };
}

function buildInWorker(): BuildAnswer {
  const { port1, port2 } = new MessageChannel();
  const done = new Int32Array(new SharedArrayBuffer(4));
  const { url: workerUrl, fromSource } = workerModule('strength-dictionaries-worker', import.meta.url);
  // An eval'd starter, so a worker module that fails to load still answers (through the same port and flag).
  const starter = `
    const { workerData } = require('node:worker_threads');
    const { port, done, url, fromSource } = workerData;
    const answer = (message, transfer) => { port.postMessage(message, transfer); Atomics.store(done, 0, 1); Atomics.notify(done, 0); };
    ${IMPORT_WORKER_MODULE}.then((m) => m.answerBuild(answer), (error) => answer({ error: String(error) }));`;
  let worker: Worker;
  try {
    worker = new Worker(starter, { eval: true, workerData: { port: port2, done, url: workerUrl, fromSource }, transferList: [port2], stdout: false });
  } catch (error) {
    return { error: String(error) };
  }
  try {
    const waited = Atomics.wait(done, 0, 0, WORKER_DEADLINE_MS);
    const message = waited === 'timed-out' ? undefined : receiveMessageOnPort(port1);
    return message === undefined ? { error: `no answer from the dictionary worker (${waited})` } : (message.message as BuildAnswer);
  } finally {
    port1.close();
    void worker.terminate();
  }
}
