/**
 * How one tool's export maps onto the data model. A source (HubSpot, Stripe,
 * the generic CSV, ...) lists its exports; each export rule says which entity
 * it holds, how to recognise it, and where each model field comes from.
 * Everything here is data, parsed once; SQL is built from it in sql.ts.
 */
import type {Entity} from "../schema/model.js";

export interface FieldMapping {
  /** The export's column (or columns, the first present wins), matched case-insensitively. */
  column?: string | readonly string[];
  /**
   * Or a SQL expression over the raw VARCHAR columns: a string (quote names
   * with col()), or a function given `column(name)`, which quotes a column
   * the file has and gives NULL for one it lacks.
   */
  sql?: string | SqlOfColumns;
  /** Translates values (keys compared lower-cased and trimmed) before parsing. */
  values?: Readonly<Record<string, string>>;
  /** Multiplies a parsed number (0.01 turns cents into dollars). */
  scale?: number;
  /** Used when the column is absent or the value empty. */
  default?: string;
  /** A join (see joins.ts): the value comes from the file named `from`, or an entity already loaded. */
  from?: string;
  /** The join's key: this file's column, or {"this file's column": "the other side's column"}. */
  on?: string | Readonly<Record<string, string>>;
  /** The other side's column, one value per key. */
  value?: string;
  /** The other side's number column, added up over the rows of a key. */
  sum?: string;
}

export interface ExportRule {
  entity: Entity;
  /** What a person calls this export, for messages ("HubSpot contacts"). */
  title: string;
  /** File names that are this export (matched against the base name). */
  name?: RegExp;
  /** Columns whose presence identifies this export when the name does not. */
  signature?: readonly string[];
  /** Where model fields come from; a field not listed is read from a column of its own name. */
  columns?: Readonly<Partial<Record<string, FieldMapping>>>;
  /** strptime formats tried, in order, for times that are not ISO 8601. */
  dateFormats?: readonly string[];
  /** The decimal separator of numbers ("," for 1.234,56). */
  decimal?: "." | ",";
  /**
   * Rows that are not records of their own (Shopify's extra line items, a
   * report's footer), as a SQL condition over the raw columns, or a function
   * of the file's header giving one; and why, for the summary.
   */
  skip?: {when: string | SqlOfColumns; reason: string};
  /** Lines of a report's footer ("Grand Totals (4 records)"): skipped, not rejected, when they stand alone. */
  footer?: RegExp;
  /** A DuckDB relation reading the file with every column VARCHAR, for formats read_csv cannot sniff. */
  read?: (path: string) => string;
}

/** Builds SQL from the file's columns: column(name) quotes a present column (any case) or gives NULL. */
export type SqlOfColumns = (column: (name: string) => string, header: readonly string[]) => string;

export interface SourceDefinition {
  name: string;
  title: string;
  exports: readonly ExportRule[];
}

/** Quotes a raw column name for use in FieldMapping.sql. */
export function col(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** SQL reading a plain number written with thousands commas ("1,200.00"), or NULL. */
export function plainNumber(sql: string): string {
  return `try_cast(replace(${sql}, ',', '') AS DOUBLE)`;
}
