/**
 * Every rapport command, by name (the export's name is the command's name).
 * Adding a command is one line here and one file beside it.
 */
export {ingest, check} from "./ingest.js";
export {metrics} from "./metrics.js";
export {clv} from "./clv.js";
export {build} from "./build.js";
export {preview} from "./preview.js";
export {serve} from "./serve.js";
export {sample} from "./sample.js";
export {pdf} from "./pdf.js";
export {init} from "./init.js";
