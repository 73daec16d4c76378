/**
 * Observable Framework configuration for the rapport site. The Framework root
 * is reports/; data loaders under reports/data/ call into src/ for the work.
 *
 * Offline: nothing here may reach the internet at build time or in the
 * browser. globalStylesheets is empty because the default pulls web fonts, and
 * every DuckDB extension is disabled because Framework would download it.
 *
 * Segment, region and channel pages are listed from the warehouse (src/cli/group-routes.ts).
 * Pages not listed here (those saved from the Explore notebook) follow under
 * "Notebook pages"; `rapport preview` touches this file after saving one, so
 * Framework reads it again and the sidebar shows the new page.
 */
import {createRequire} from "node:module";
import {fileURLToPath, pathToFileURL} from "node:url";
import {groupRoutes} from "./src/cli/group-routes.js";
import {otherPagesSection} from "./src/cli/notebook-pages.js";

const pages = [
  {name: "Overview", path: "/"},
  {name: "Retention", path: "/retention"},
  {name: "Lifetime value", path: "/clv"},
  {name: "NPS and voice of the customer", path: "/nps"},
  {name: "Service", path: "/service"},
  {name: "Data quality", path: "/quality"},
  {name: "Methodology", path: "/methodology"},
  {name: "Explore", path: "/explore"}
];

// TypeScript data loaders run in one Node process with tsx's loader, rather than through the `tsx` command, which
// starts a second Node process for each: about 0.4 s instead of 0.8 s a loader, and a build runs some 16 of them in turn.
const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

// A page per segment, region and acquisition channel with at least minGroupSize customers (reports/[kind]/[group].md).
const groups = await groupRoutes();

export default {
  root: "reports",
  // rapport build writes a new folder and swaps it in only when the build succeeded.
  output: process.env.RAPPORT_OUTPUT ?? "dist",
  title: "rapport",
  style: "style.css",
  globalStylesheets: [],
  duckdb: {extensions: {json: null, parquet: null}},
  interpreters: {".ts": [process.execPath, "--import", tsx]},
  // An inline icon: browsers ask for /favicon.ico otherwise, and a 404 is a console error.
  head: `<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' rx='3' fill='%234269d0'/%3E%3Cpath d='M4 12V6M8 12V4M12 12V8' stroke='white' stroke-width='2'/%3E%3C/svg%3E">`,
  search: false,
  pager: false,
  footer: "Built with rapport from your CRM exports.",
  dynamicPaths: groups.paths,
  pages: [...pages, ...groups.sections, ...otherPagesSection(fileURLToPath(new URL("./reports", import.meta.url)), pages.map((p) => p.path))]
};
