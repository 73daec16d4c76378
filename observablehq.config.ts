/**
 * Observable Framework configuration for the rapport site. The Framework root
 * is reports/; data loaders under reports/data/ call into src/ for the work.
 *
 * Offline: nothing here may reach the internet at build time or in the
 * browser. globalStylesheets is empty because the default pulls web fonts, and
 * every DuckDB extension is disabled because Framework would download it.
 */
export default {
  root: "reports",
  output: "dist",
  title: "rapport",
  theme: ["air", "near-midnight"],
  globalStylesheets: [],
  duckdb: {extensions: {json: null, parquet: null}},
  search: false,
  pager: false,
  footer: "Built with rapport from your CRM exports.",
  pages: [{name: "Overview", path: "/"}]
};
