/** Writes the sample CRM as CSV exports, one file per entity, each written whole at the end. */
import {mkdir, rename, writeFile} from "node:fs/promises";
import {join} from "node:path";
import {generateSample, type SampleOptions} from "./generate.js";
import {formatCsv} from "./csv.js";

/** Writes customers.csv, orders.csv, nps_responses.csv and tickets.csv into dir; returns rows per file. */
export async function writeSample(dir: string, options: SampleOptions): Promise<Record<string, number>> {
  const data = generateSample(options);
  await mkdir(dir, {recursive: true});
  const counts: Record<string, number> = {};
  for (const [entity, rows] of Object.entries(data)) {
    const file = join(dir, `${entity}.csv`);
    await writeFile(`${file}.tmp`, formatCsv(rows));
    await rename(`${file}.tmp`, file); // a reader never sees half a file
    counts[file] = rows.length;
  }
  return counts;
}
