/**
 * Tells which export a file is, by its columns first: a rule fits when its
 * signature columns are all in the header, when (for the generic loader) the
 * model's required columns are, or when the file name matches and the header
 * does not contradict it (a tool's rule needs some of its columns). Among
 * fits, a tool's own columns count most, then the name, then the model's
 * columns. When nothing fits, the error says how to name or configure the file.
 */
import {basename} from "node:path";
import {columnsOf} from "../schema/columns.js";
import {entityNames} from "../schema/model.js";
import {IngestError} from "./errors.js";
import type {ExportRule, SourceDefinition} from "./source.js";

export interface Detected {
  source: SourceDefinition;
  rule: ExportRule;
}

export function detectExport(path: string, header: readonly string[] | undefined, sources: readonly SourceDefinition[]): Detected {
  const name = basename(path);
  const have = new Set((header ?? []).map((h) => h.trim().toLowerCase()));
  // A tool's own columns say most; the file name next; the generic loader's
  // model columns least, since many exports have an "id" column.
  let best: {detected: Detected; score: number} | undefined;
  for (const source of sources) {
    for (const rule of source.exports) {
      const byName = rule.name?.test(name) ?? false;
      const explicit = rule.signature !== undefined && header !== undefined && rule.signature.every((c) => have.has(c.toLowerCase()));
      const implicit = rule.signature === undefined && !rule.read && header !== undefined && requiredColumns(rule).every((c) => have.has(c.toLowerCase()));
      // A tool's export is recognised by its columns: its name alone (olist_customers_dataset.csv is not a
      // Stripe customers export) counts only with none of the header read, or with some of the tool's columns.
      const someOfTool = rule.signature !== undefined && header !== undefined && rule.signature.some((c) => have.has(c.toLowerCase()));
      const nameFits = byName && (header === undefined || rule.signature === undefined || someOfTool);
      // The model's columns alone fit only when they say enough: "id" alone would make any file customers.
      const implicitFits = implicit && requiredColumns(rule).length >= 2;
      if (!explicit && !implicitFits && !nameFits) continue;
      const score = (explicit ? 4 : 0) + (byName ? 2 : 0) + (implicit ? 1 : 0);
      if (!best || score > best.score) best = {detected: {source, rule}, score};
    }
  }
  if (best) return best.detected;
  throw new IngestError(
    `${path}: cannot tell which export this is (columns: ${(header ?? []).slice(0, 12).join(", ") || "none read"}). ` +
      `Name it after an entity (${entityNames.map((e) => `${e}.csv`).join(", ")}) with the model's column names, ` +
      `pass --source (${sources.map((s) => s.name).join(", ")}), or map it in rapport.config.json under "files".`,
    "bad-input",
    path
  );
}

/** The model fields a generic export must carry (those without a default). */
function requiredColumns(rule: ExportRule): string[] {
  return columnsOf(rule.entity)
    .filter((c) => c.required && rule.columns?.[c.name]?.default === undefined)
    .map((c) => {
      const column = rule.columns?.[c.name]?.column;
      return typeof column === "string" ? column : c.name;
    });
}
