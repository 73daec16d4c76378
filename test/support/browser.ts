/** The Chromium the browser tests drive: the one `rapport pdf` uses (src/cli/chromium.ts). */
export {chromiumFlags, findChromium, launchChromium} from "../../src/cli/chromium.js";
