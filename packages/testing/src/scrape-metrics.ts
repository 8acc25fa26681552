interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

// `name{label="value",…} number`, label values escaped as the text format says (\\, \", \n).
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/**
 * One scrape of a Prometheus endpoint, read sample by sample. (The npm
 * parsers of the text format at hand drop the labels of histograms.)
 */
export class Scrape {
  private constructor(
    private readonly samples: Sample[],
    readonly text: string,
  ) {}

  static async of(url: string): Promise<Scrape> {
    const response = await fetch(url);
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
    if (!(response.headers.get('content-type') ?? '').startsWith('text/plain')) throw new Error(`${url} is not in the text format`);
    const text = await response.text();
    const samples: Sample[] = [];
    for (const line of text.split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      const match = SAMPLE.exec(line);
      if (match === null) throw new Error(`not a sample: ${line}`);
      const labels: Record<string, string> = {};
      for (const [, key, raw] of (match[2] ?? '').matchAll(LABEL)) {
        labels[key as string] = (raw as string).replace(/\\(.)/g, (_all, char: string) => (char === 'n' ? '\n' : char));
      }
      samples.push({ name: match[1] as string, labels, value: Number(match[3]) });
    }
    return new Scrape(samples, text);
  }

  has(name: string): boolean {
    return this.samples.some((sample) => sample.name === name);
  }

  /** The sum of the samples of `name` with these labels (whatever their others); 0 when there are none. */
  value(name: string, labels: Record<string, string> = {}): number {
    return this.samples
      .filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value))
      .reduce((sum, sample) => sum + sample.value, 0);
  }

  /** A histogram's observation count for these labels. */
  count(name: string, labels: Record<string, string> = {}): number {
    return this.value(`${name}_count`, labels);
  }
}
