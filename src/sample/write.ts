/**
 * Writes the sample CRM as CSV exports, one file per entity, byte for byte
 * what formatCsv(generateSample(options)) gives, without holding the rows as
 * objects: customers are written as they are made; orders, responses and
 * tickets are kept as encoded CSV lines with their times (about 60 bytes an
 * order), then sorted by time, numbered and written. Each file appears whole
 * (written to .tmp, then renamed), so a reader never sees half a file.
 */
import {closeSync, openSync, renameSync, writeSync} from "node:fs";
import {mkdir} from "node:fs/promises";
import {join} from "node:path";
import {csvField} from "./csv.js";
import {sampleId, sampleIds, simulateSample, type SampleOptions} from "./generate.js";

/** Writes customers.csv, orders.csv, nps_responses.csv and tickets.csv into dir; returns rows per file. */
export async function writeSample(dir: string, options: SampleOptions): Promise<Record<string, number>> {
  await mkdir(dir, {recursive: true});
  const customers = new CsvFile(join(dir, "customers.csv"));
  const spools = {orders: new Spool(), nps_responses: new Spool(), tickets: new Spool()};
  simulateSample(options, {
    customer: (row) => customers.row(Object.keys(row), Object.values(row).map(csvField).join(",")),
    order: (t, row) => spools.orders.push(t, row),
    response: (t, row) => spools.nps_responses.push(t, row),
    ticket: (t, row) => spools.tickets.push(t, row)
  });
  const counts: Record<string, number> = {[customers.path]: customers.close()};
  for (const [entity, spool] of Object.entries(spools)) {
    const [prefix, width] = sampleIds[entity as keyof typeof sampleIds];
    const file = new CsvFile(join(dir, `${entity}.csv`));
    spool.drain((i, line) => file.row(["id", ...spool.columns], `${sampleId(prefix, i, width)},${line}`));
    counts[file.path] = file.close();
  }
  return counts;
}

/** CSV lines with their times, in 64 MB chunks of UTF-8 outside the JS heap. */
class Spool {
  static readonly chunkSize = 1 << 26;
  columns: string[] = [];
  private chunks: Buffer[] = [];
  private used = Spool.chunkSize;
  private times = new Float64Array(1024);
  private starts = new Float64Array(1024); // chunk * chunkSize + offset
  private lengths = new Uint32Array(1024);
  private count = 0;

  push(t: number, row: Record<string, string | number>): void {
    if (this.count === 0) this.columns = Object.keys(row);
    const line = Object.values(row).map(csvField).join(",");
    const bytes = Buffer.byteLength(line);
    if (this.used + bytes > Spool.chunkSize) {
      this.chunks.push(Buffer.allocUnsafe(Math.max(Spool.chunkSize, bytes)));
      this.used = 0;
    }
    if (this.count === this.times.length) this.grow();
    const chunk = this.chunks.length - 1;
    this.chunks[chunk].write(line, this.used);
    this.times[this.count] = t;
    this.starts[this.count] = chunk * Spool.chunkSize + this.used;
    this.lengths[this.count] = bytes;
    this.used += bytes;
    ++this.count;
  }

  /** Calls f(number, line) in time order (ties in the order pushed), numbering from 1, then frees the lines. */
  drain(f: (i: number, line: string) => void): void {
    const {times} = this;
    const order = new Uint32Array(this.count).map((_, i) => i).sort((a, b) => times[a] - times[b] || a - b);
    order.forEach((j, i) => {
      const chunk = Math.floor(this.starts[j] / Spool.chunkSize);
      const offset = this.starts[j] - chunk * Spool.chunkSize;
      f(i + 1, this.chunks[chunk].toString("utf-8", offset, offset + this.lengths[j]));
    });
    this.chunks = [];
  }

  private grow(): void {
    const size = this.times.length * 2;
    const grown = <T extends Float64Array | Uint32Array>(a: T, b: T) => (b.set(a), b);
    this.times = grown(this.times, new Float64Array(size));
    this.starts = grown(this.starts, new Float64Array(size));
    this.lengths = grown(this.lengths, new Uint32Array(size));
  }
}

/** A CSV file written through a 1 MB buffer to path.tmp, renamed to path on close; the header comes from the first row. */
class CsvFile {
  private fd: number;
  private buffer = Buffer.allocUnsafe(1 << 20);
  private used = 0;
  private rows = 0;

  constructor(readonly path: string) {
    this.fd = openSync(`${path}.tmp`, "w");
  }

  row(columns: string[], line: string): void {
    if (this.rows++ === 0) this.write(columns.map(csvField).join(",") + "\n");
    this.write(line + "\n");
  }

  /** Flushes, renames into place and returns the rows written. */
  close(): number {
    this.flush();
    closeSync(this.fd);
    renameSync(`${this.path}.tmp`, this.path);
    return this.rows;
  }

  private write(text: string): void {
    const bytes = Buffer.byteLength(text);
    if (this.used + bytes > this.buffer.length) this.flush();
    if (bytes > this.buffer.length) writeSync(this.fd, text);
    else this.used += this.buffer.write(text, this.used);
  }

  private flush(): void {
    for (let done = 0; done < this.used; ) done += writeSync(this.fd, this.buffer, done, this.used - done);
    this.used = 0;
  }
}
