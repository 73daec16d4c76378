/**
 * Names readers see for the values and fields of the data: one place that
 * turns `paid_search` into "Paid search" and `npsAfterService` into
 * "nps_after_service" for a CSV column. Pure; no imports.
 */

/** Values whose reader name is not their value with underscores as spaces and a capital. */
const known: Record<string, string> = {
  all: "All customers",
  smb: "SMB",
  emea: "EMEA",
  apac: "APAC",
  latam: "LATAM",
  na: "North America",
  nps: "NPS",
  csat: "CSAT",
  api: "API",
  seo: "SEO"
};

/**
 * A group, channel or category name as a reader reads it: "paid_search" → "Paid search",
 * "enterprise" → "Enterprise", "EMEA" stays "EMEA"; names already written for people
 * (with a capital or a space) are kept as they are.
 */
export function groupLabel(value: string | null | undefined): string {
  if (value == null || value === "") return "—";
  const text = String(value);
  const lower = text.toLowerCase();
  if (known[lower] && (text === lower || text === text.toUpperCase())) return known[lower];
  if (/[A-Z ]/.test(text) && !text.includes("_")) return text;
  const words = text.replace(/[_-]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A field name as a CSV column: snake_case ("npsAfterService" → "nps_after_service", "First answer" → "first_answer"). */
export function columnName(field: string): string {
  return field
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/^_|_$/g, "")
    .toLowerCase();
}

/**
 * A group of customers as a sentence names it, not as a filter does ("Segment: Enterprise"):
 * "customers in the Enterprise segment", "customers acquired through Paid search", "all customers".
 */
export function groupInSentence({by, group}: {by: string; group: string}): string {
  if (by === "all") return "all customers";
  const name = groupLabel(group);
  if (by === "channel") return `customers acquired through ${name}`;
  if (by === "ticket_channel") return `customers who wrote to support by ${name.toLowerCase()}`;
  return `customers in the ${name} ${by.replace(/_/g, " ")}`;
}
