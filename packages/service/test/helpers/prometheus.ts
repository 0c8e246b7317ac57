/**
 * A strict reader of the Prometheus text exposition format (version 0.0.4): every line is empty,
 * a `# HELP`, a `# TYPE` or a sample of a family whose TYPE came before it; names, label sets,
 * escapes and values must be well-formed, or it throws naming the line. Also: polling `/metrics`
 * until a condition on it holds.
 */
const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*';
const LABEL_VALUE = '"((?:[^"\\\\\\n]|\\\\[\\\\"n])*)"';
// Values as Prometheus reads them (Go's ParseFloat): NaN and Inf in any letter case (prom-client writes "Nan").
const VALUE = '(?:[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?|[nN][aA][nN]|[+-]?[iI][nN][fF](?:[iI][nN][iI][tT][yY])?)';
const HELP_LINE = new RegExp(`^# HELP (${NAME}) (.*)$`);
const TYPE_LINE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const SAMPLE_LINE = new RegExp(`^(${NAME})(?:\\{((?:${LABEL}=${LABEL_VALUE})(?:,${LABEL}=${LABEL_VALUE})*,?)?\\})? (${VALUE})(?: -?\\d+)?$`);
const PAIR = new RegExp(`(${LABEL})=${LABEL_VALUE}`, 'g');

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  types: Map<string, string>;
  samples: Sample[];
  /** The one sample of `name` whose labels include `labels` (undefined if none; throws if several). */
  value(name: string, labels?: Record<string, string>): number | undefined;
}

const unescape = (v: string) => v.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
const toNumber = (v: string) => (/inf/i.test(v) ? (v.startsWith('-') ? -Infinity : Infinity) : /nan/i.test(v) ? NaN : Number(v));

/** The family a sample name belongs to, given the declared types. */
function familyOf(name: string, types: Map<string, string>): string | undefined {
  if (types.has(name)) return name;
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (!name.endsWith(suffix)) continue;
    const base = name.slice(0, -suffix.length);
    const t = types.get(base);
    if (t === 'histogram' || (t === 'summary' && suffix !== '_bucket')) return base;
  }
  return undefined;
}

export function parsePrometheus(text: string): Exposition {
  if (!text.endsWith('\n')) throw new Error('the exposition does not end with a newline');
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  text
    .slice(0, -1)
    .split('\n')
    .forEach((line, i) => {
      const at = `line ${i + 1} ${JSON.stringify(line)}`;
      if (line === '') return; // the format ignores empty lines (prom-client puts one between families)
      if (line.startsWith('# HELP ')) {
        if (!HELP_LINE.test(line)) throw new Error(`malformed HELP at ${at}`);
        return;
      }
      if (line.startsWith('#')) {
        const t = TYPE_LINE.exec(line);
        if (!t) throw new Error(`malformed comment at ${at}`);
        if (types.has(t[1])) throw new Error(`second TYPE for ${t[1]} at ${at}`);
        types.set(t[1], t[2]);
        return;
      }
      const m = SAMPLE_LINE.exec(line);
      if (!m) throw new Error(`malformed sample at ${at}`);
      const [, name, labelText] = m;
      if (!familyOf(name, types)) throw new Error(`sample of an undeclared family at ${at}`);
      const labels: Record<string, string> = {};
      for (const p of (labelText ?? '').matchAll(PAIR)) {
        if (p[1] in labels) throw new Error(`label ${p[1]} twice at ${at}`);
        labels[p[1]] = unescape(p[2]);
      }
      samples.push({ name, labels, value: toNumber(m[m.length - 1]) });
    });
  return {
    types,
    samples,
    value(name, want = {}) {
      const found = samples.filter((s) => s.name === name && Object.entries(want).every(([k, v]) => s.labels[k] === v));
      if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(want)}`);
      return found[0]?.value;
    },
  };
}

/** GET `/metrics` and parse it. */
export async function scrape(base: string, token?: string): Promise<Exposition> {
  const res = await fetch(`${base}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}: ${await res.text()}`);
  return parsePrometheus(await res.text());
}

/** Scrapes until `ok` holds for the exposition (polls; the test's timeout bounds it). */
export async function scrapeUntil(base: string, ok: (m: Exposition) => boolean, what: string, timeoutMs = 20_000): Promise<Exposition> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const m = await scrape(base);
    if (ok(m)) return m;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
