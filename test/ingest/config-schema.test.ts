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
