// Reads a service's /metrics (Prometheus text format 0.0.4) into samples, for the e2e metrics suite.

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Scrape {
  /** Every metric the service declares (`# TYPE` lines), whether or not it has samples yet. */
  readonly declared: ReadonlySet<string>;
  readonly samples: readonly Sample[];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parseScrape(text: string): Scrape {
  const declared = new Set<string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('# TYPE ')) {
      declared.add(line.split(' ')[2]);
      continue;
    }
    const match = SAMPLE.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, name, value] of (match[2] ?? '').matchAll(LABEL)) labels[name] = JSON.parse(`"${value}"`) as string;
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return { declared, samples };
}

export async function scrape(baseUrl: string): Promise<Scrape> {
  const res = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
  if (res.status !== 200) throw new Error(`GET ${baseUrl}/metrics: ${res.status}`);
  return parseScrape(await res.text());
}

/** The samples of `name` whose labels include `labels`. */
export function samplesOf(from: Scrape, name: string, labels: Record<string, string> = {}): Sample[] {
  return from.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

/** The sum of the samples of `name` whose labels include `labels` (0 when there are none). */
export function totalOf(from: Scrape, name: string, labels: Record<string, string> = {}): number {
  return samplesOf(from, name, labels).reduce((sum, s) => sum + s.value, 0);
}

/** The one value of `name` with `labels`, or undefined when there is no such series. */
export function valueOf(from: Scrape, name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samplesOf(from, name, labels);
  if (found.length > 1) throw new Error(`${found.length} series of ${name} match ${JSON.stringify(labels)}`);
  return found[0]?.value;
}
