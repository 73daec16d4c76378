// The segment, region and channel pages (src/metrics/groupPages.ts: named groups with at least
// minGroupSize customers): kind, folder, slug and name, for the links from the other report pages.
import {loadConfig} from "../../src/config.js";
import {groupPages} from "../../src/metrics/groupPages.js";
import {projectRoot} from "../../src/paths.js";
import {readWarehouse} from "../../src/warehouse/read.js";

const {minGroupSize} = await loadConfig(projectRoot);
const pages = await readWarehouse((db) => groupPages(db, minGroupSize));
process.stdout.write(JSON.stringify(pages.map(({by, path, slug, label}) => ({by, path, slug, label}))));
