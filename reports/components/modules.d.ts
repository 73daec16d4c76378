// Types for the npm: imports of components where the package ships none of its own
// (tsconfig maps npm:x to node_modules/x; Plot and arquero bring their types).
declare module "npm:d3" {
  export * from "d3";
}
declare module "npm:d3-dsv" {
  export * from "d3-dsv";
}
declare module "npm:@observablehq/inputs";
declare module "npm:htl";
declare module "npm:markdown-it" {
  export default class MarkdownIt {
    constructor(options?: {html?: boolean; linkify?: boolean; typographer?: boolean});
    render(text: string): string;
  }
}
// Framework's own modules, as components import them.
declare module "observablehq:stdlib" {
  export function FileAttachment(name: string): import("./notebook-tables.js").Attachment;
}
declare module "npm:@observablehq/duckdb" {
  export const DuckDBClient: {of(sources: Record<string, unknown>, config?: {query?: Record<string, unknown>}): Promise<unknown>};
}
