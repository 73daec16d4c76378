import {readFileSync} from "node:fs";
import {transform} from "esbuild";
import {describe, expect, it} from "vitest";

// Framework bundles the stylesheet with esbuild, which only warns on a broken rule and then drops or
// misreads what follows it (a missing "}" once swallowed the print rules): here a warning fails.
describe("reports/style.css", () => {
  it("parses with no warning: every block is closed", async () => {
    const css = readFileSync(new URL("../../reports/style.css", import.meta.url), "utf-8");
    const {warnings} = await transform(css, {loader: "css"});
    expect(warnings.map((w) => `${w.location?.line}: ${w.text}`)).toEqual([]);
  });
});
