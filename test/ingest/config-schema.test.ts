import {readFileSync, readdirSync} from "node:fs";
import {fileURLToPath} from "node:url";
import {Ajv} from "ajv";
import {describe, expect, it} from "vitest";
import {configSchemaText, schemaPath} from "../support/write-config-schema.js";

// The JSON Schema editors use for rapport.config.json (.vscode/settings.json) is generated from the zod
// schema in src/config.ts; `npm run config-schema` rewrites it.
const root = fileURLToPath(new URL("../..", import.meta.url));
const committed = readFileSync(schemaPath, "utf-8");
const validate = new Ajv({allErrors: true, strict: false}).compile(JSON.parse(committed));

describe("schema/rapport.config.schema.json", () => {
  it("is the one generated from src/config.ts (run npm run config-schema after changing the config)", () => {
    expect(committed).toBe(configSchemaText());
  });

  it("accepts both example configs", () => {
    for (const example of readdirSync(`${root}/data/examples`)) {
      const config = JSON.parse(readFileSync(`${root}/data/examples/${example}/rapport.config.json`, "utf-8"));
      expect(validate(config), `${example}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it("refuses what the config refuses: an unknown key, a mistyped entity, a bad decimal", () => {
    expect(validate({files: [{match: "a.csv", entiy: "orders"}]})).toBe(false);
    expect(validate({files: [{match: "a.csv", entity: "order"}]})).toBe(false);
    expect(validate({files: [{match: "a.csv", decimal: ";"}]})).toBe(false);
    expect(validate({rejectThreshold: 2})).toBe(false);
    expect(validate({currency: "gbp"})).toBe(false);
  });

  it(".vscode/settings.json maps rapport.config.json to it", () => {
    const settings = JSON.parse(readFileSync(`${root}/.vscode/settings.json`, "utf-8")) as {"json.schemas": {fileMatch: string[]; url: string}[]};
    expect(settings["json.schemas"]).toContainEqual({fileMatch: ["rapport.config.json", "**/rapport.config.json"], url: "./schema/rapport.config.schema.json"});
  });
});

describe("the README's configs", () => {
  const readme = readFileSync(`${root}/README.md`, "utf-8");
  const section = readme.slice(readme.indexOf("## Loading your exports"), readme.indexOf("## Scheduled refreshes"));
  const blocks = [...section.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]) as unknown);

  it("every JSON example under Loading your exports is a whole config the schema and the loader accept", async () => {
    const {parseConfig} = await import("../../src/config.js");
    expect(blocks.length).toBeGreaterThanOrEqual(4);
    for (const block of blocks) {
      expect(validate(block), JSON.stringify(validate.errors)).toBe(true);
      expect(() => parseConfig(block)).not.toThrow();
    }
  });
});
