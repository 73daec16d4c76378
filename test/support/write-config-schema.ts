/** `npm run config-schema`: rewrites schema/rapport.config.schema.json from the zod schema in src/config.ts. */
import {writeFileSync} from "node:fs";
import {fileURLToPath} from "node:url";
import {configJsonSchema} from "../../src/config.js";

export const schemaPath = fileURLToPath(new URL("../../schema/rapport.config.schema.json", import.meta.url));

export function configSchemaText(): string {
  return JSON.stringify(configJsonSchema(), null, 2) + "\n";
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(schemaPath, configSchemaText());
  process.stderr.write(`wrote ${schemaPath}\n`);
}
