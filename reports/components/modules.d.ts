// Types for the npm: imports of components where the package ships none of its own
// (tsconfig maps npm:x to node_modules/x; Plot and arquero bring their types).
declare module "npm:d3" {
  export * from "d3";
}
declare module "npm:@observablehq/inputs";
declare module "npm:htl";
