/**
 * A strict parser of the Prometheus text exposition format 0.0.4: every line is a comment (`# HELP`, `# TYPE`)
 * or a sample `name{label="value",…} value [timestamp]`; names and label names are checked, label values
 * unescaped (\\, \", \n), values are Go floats (NaN, ±Inf in any case, as strconv.ParseFloat takes them). A TYPE must precede its samples and appear
 * once; a sample of a histogram or summary may carry the _bucket/_sum/_count suffix. Throws on anything else.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  types: Map<string, string>;
  samples: Sample[];
  /** The value of the sample with this name and exactly these labels (undefined when absent). */
  value(name: string, labels?: Record<string, string>): number | undefined;
  /** The sum of every sample of `name` whose labels include `labels`. */
  sum(name: string, labels?: Record<string, string>): number;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function parseValue(text: string, line: number): number {
  // Prometheus reads values with Go's strconv.ParseFloat, which takes NaN and Inf in any letter case (prom-client
  // writes "Nan" for a gauge that has no value yet).
  if (/^nan$/i.test(text)) return Number.NaN;
  if (/^\+?inf(inity)?$/i.test(text)) return Infinity;
  if (/^-inf(inity)?$/i.test(text)) return -Infinity;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`line ${line}: bad value ${JSON.stringify(text)}`);
  return Number(text);
}

function family(name: string, types: Map<string, string>): string | undefined {
  if (types.has(name)) return name;
  for (const suffix of ['_bucket', '_sum', '_count']) {
    const base = name.endsWith(suffix) ? name.slice(0, -suffix.length) : null;
    if (base && ['histogram', 'summary'].includes(types.get(base) ?? '')) return base;
  }
  return undefined;
}

export function parsePrometheusText(text: string): Exposition {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  const lines = text.split('\n');
  if (lines.at(-1) !== '') throw new Error('the exposition must end with a line feed');
  for (const [index, line] of lines.slice(0, -1).entries()) {
    const at = index + 1;
    if (line === '') continue;
    if (line.startsWith('#')) {
      const comment = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (!comment) continue;
      const [, kind, name = '', rest = ''] = comment;
      if (!METRIC_NAME.test(name)) throw new Error(`line ${at}: bad metric name ${name}`);
      if (kind === 'TYPE') {
        if (!TYPES.has(rest)) throw new Error(`line ${at}: unknown type ${rest}`);
        if (types.has(name)) throw new Error(`line ${at}: second TYPE for ${name}`);
        if (samples.some((s) => family(s.name, new Map([[name, rest]])) === name)) throw new Error(`line ${at}: TYPE after samples of ${name}`);
        types.set(name, rest);
      }
      continue;
    }
    const head = /^([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(line);
    if (!head) throw new Error(`line ${at}: not a sample: ${line}`);
    const name = head[1] as string;
    let rest = line.slice(name.length);
    const labels: Record<string, string> = {};
    if (rest.startsWith('{')) {
      rest = rest.slice(1);
      while (!rest.startsWith('}')) {
        const label = /^([^=]+)="/.exec(rest);
        if (!label || !LABEL_NAME.test(label[1] as string)) throw new Error(`line ${at}: bad label in ${line}`);
        rest = rest.slice(label[0].length);
        let value = '';
        for (;;) {
          const c = rest[0];
          if (c === undefined) throw new Error(`line ${at}: unterminated label value`);
          if (c === '\\') {
            const next = rest[1];
            if (next === 'n') value += '\n';
            else if (next === '\\' || next === '"') value += next;
            else throw new Error(`line ${at}: bad escape \\${next}`);
            rest = rest.slice(2);
          } else if (c === '"') {
            rest = rest.slice(1);
            break;
          } else {
            value += c;
            rest = rest.slice(1);
          }
        }
        if (Object.hasOwn(labels, label[1] as string)) throw new Error(`line ${at}: label ${label[1]} twice`);
        labels[label[1] as string] = value;
        if (rest.startsWith(',')) rest = rest.slice(1);
        else if (!rest.startsWith('}')) throw new Error(`line ${at}: expected , or } in ${line}`);
      }
      rest = rest.slice(1);
    }
    const fields = /^ (\S+)( -?\d+)?$/.exec(rest);
    if (!fields) throw new Error(`line ${at}: bad sample tail ${JSON.stringify(rest)}`);
    if (!family(name, types)) throw new Error(`line ${at}: sample ${name} without a TYPE`);
    samples.push({ name, labels, value: parseValue(fields[1] as string, at) });
  }
  const matches = (sample: Sample, labels: Record<string, string>) => Object.entries(labels).every(([k, v]) => sample.labels[k] === v);
  return {
    types,
    samples,
    value: (name, labels = {}) => samples.find((s) => s.name === name && matches(s, labels) && Object.keys(s.labels).length === Object.keys(labels).length)?.value,
    sum: (name, labels = {}) => samples.filter((s) => s.name === name && matches(s, labels)).reduce((total, s) => total + s.value, 0),
  };
}
