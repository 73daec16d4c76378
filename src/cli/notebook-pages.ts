/**
 * The report pages in the Framework root, for the notebook's Open page and
 * for the sidebar: observablehq.config.ts lists its own pages, then every
 * other top-level page (those saved from the notebook among them) under
 * "Notebook pages", so a page saved under `rapport preview` appears at once.
 */
import {existsSync, readdirSync, readFileSync} from "node:fs";
import {join} from "node:path";

export interface ReportPage {
  /** The file name without .md: the page's path. */
  name: string;
  title: string;
  /** True for a page saved from the notebook (front matter `notebook: true`). */
  notebook: boolean;
}

/** A page name that can be a file in reports/: lower-case letters, digits and dashes. */
export const pageNamePattern = /^[a-z0-9][a-z0-9-]{0,79}$/;

/** The title and notebook flag from a page's front matter (the first # heading without one). */
export function pageInfo(markdown: string, name: string): ReportPage {
  const front = /^---\r?\n([\s\S]*?)\r?\n---/.exec(markdown)?.[1] ?? "";
  const raw = /^title:\s*(.+)$/m.exec(front)?.[1]?.trim() ?? /^#\s+(.+)$/m.exec(markdown)?.[1]?.trim() ?? name;
  let title = raw;
  if (/^".*"$/.test(raw)) {
    try {
      title = JSON.parse(raw) as string;
    } catch {
      title = raw.slice(1, -1);
    }
  } else if (/^'.*'$/.test(raw)) title = raw.slice(1, -1).replace(/''/g, "'");
  return {name, title, notebook: /^notebook:\s*true\s*$/m.test(front)};
}

/** Every top-level page of root (no index, no 404), sorted by name. */
export function listPages(root: string): ReportPage[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((f) => f.endsWith(".md") && pageNamePattern.test(f.slice(0, -3)) && f !== "index.md" && f !== "404.md")
    .sort()
    .map((f) => pageInfo(readFileSync(join(root, f), "utf-8"), f.slice(0, -3)));
}

/** The sidebar section of the pages the config does not list, or none. */
export function otherPagesSection(root: string, listed: readonly string[]): {name: string; open: boolean; pages: {name: string; path: string}[]}[] {
  const pages = listPages(root)
    .filter((p) => !listed.includes(`/${p.name}`))
    .map((p) => ({name: p.title, path: `/${p.name}`}));
  return pages.length ? [{name: "Notebook pages", open: true, pages}] : [];
}
