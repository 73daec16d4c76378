/**
 * A page per segment, region and acquisition channel (`/segments/enterprise`,
 * `/regions/emea`, `/channels/paid-search`): which groups get one, and the
 * URL-safe name (slug) of each.
 *
 * A group gets a page when it has at least minGroupSize customers (the
 * customers table, every customer whatever their orders); smaller groups never
 * get one, so their name is not published by a page either. Customers with no
 * value ("unknown" in the metrics) are not a group anyone leads, so they get
 * no page. The count of customers a page shows is withheld by the same
 * complementary suppression as every published table (src/privacy/suppress.ts):
 * the groups of one kind add up to all customers, so when the groups below
 * minGroupSize together hold fewer than minGroupSize customers, the smallest
 * group shown has its count withheld too (its page stays, without the count).
 */
import type {Breakdown} from "./periods.js";
import {complementarySql} from "../privacy/suppress.js";
import type {Database} from "../warehouse/duckdb.js";

/** The kinds of group with pages: the breakdown, the URL folder and the sidebar section. */
export const groupKinds = [
  {by: "segment", path: "segments", section: "Segments", noun: "segment"},
  {by: "region", path: "regions", section: "Regions", noun: "region"},
  {by: "channel", path: "channels", section: "Channels", noun: "acquisition channel"}
] as const satisfies readonly {by: Breakdown; path: string; section: string; noun: string}[];

export type GroupKind = (typeof groupKinds)[number]["by"];

export interface GroupPage {
  by: GroupKind;
  /** The URL folder: segments, regions or channels. */
  path: string;
  /** The group's name as the data has it (and as `rapport metrics --by` prints it). */
  group: string;
  slug: string;
  /** The name as the page and the sidebar show it (groupLabel). */
  label: string;
  /** Customers in the group, or null when complementary suppression withholds the count. */
  customers: number | null;
}

/** A group's name as leadership reads it: "paid_search" → "Paid search"; names with capitals ("EMEA", "Mid-market") are kept. */
export function groupLabel(name: string): string {
  if (/[A-Z]/.test(name)) return name;
  const spaced = name.replace(/[_]+/g, " ").trim();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

/**
 * groupSlug(name): the URL-safe form of a group name: accents dropped, lower
 * case, every run of other characters a single dash, no dash at either end
 * ("Paid search", "paid_search" → "paid-search"; "Île-de-France" →
 * "ile-de-france"). A name with no letter or digit gives "group".
 */
export function groupSlug(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80)
    .replace(/-+$/, "");
  return slug || "group";
}

/**
 * groupSlugs(names): a unique slug per name, stable for a given set of names:
 * names are taken in code-point order and a slug already taken gets "-2",
 * "-3", … ("paid_search" and "Paid search" → "paid-search" and "paid-search-2").
 */
export function groupSlugs(names: Iterable<string>): Map<string, string> {
  const out = new Map<string, string>();
  const taken = new Set<string>();
  for (const name of [...new Set(names)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const base = groupSlug(name);
    let slug = base;
    for (let n = 2; taken.has(slug); ++n) slug = `${base}-${n}`;
    taken.add(slug);
    out.set(name, slug);
  }
  return out;
}

/** SQL: customers per kind and group (every group, "unknown" included), with `hidden` set by complementary suppression per kind. */
export function groupSizesSql(minGroupSize: number): string {
  const sizes = groupKinds.map((k) => `SELECT '${k.by}' AS "by", coalesce(${k.by}, 'unknown') AS "group", count(*)::INTEGER AS customers FROM customers GROUP BY ALL`).join("\nUNION ALL ");
  return `SELECT "by", "group", customers, hidden FROM (${complementarySql(`(${sizes})`, {partition: [`"by"`], key: `"group"`, size: "customers", minGroup: minGroupSize})}) ORDER BY "by", "group"`;
}

/** The groups that get a page, by kind (segments, regions, channels) and name. */
export async function groupPages(db: Database, minGroupSize: number): Promise<GroupPage[]> {
  const rows = await db.all<{by: GroupKind; group: string; customers: number; hidden: boolean}>(groupSizesSql(minGroupSize));
  const pages: GroupPage[] = [];
  for (const kind of groupKinds) {
    const mine = rows.filter((r) => r.by === kind.by && r.customers >= minGroupSize && r.group !== "unknown");
    const slugs = groupSlugs(mine.map((r) => r.group));
    for (const r of mine) pages.push({by: kind.by, path: kind.path, group: r.group, slug: slugs.get(r.group)!, label: groupLabel(r.group), customers: r.hidden ? null : r.customers});
  }
  return pages;
}
