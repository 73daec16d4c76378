/** Waiting for a page of the built site to finish drawing: shared with `rapport pdf` (src/cli/chromium.ts). */
export {waitForPage} from "../../src/cli/chromium.js";
