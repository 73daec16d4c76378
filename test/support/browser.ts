/**
 * Finds and launches the Chromium the browser tests drive. Order: the
 * RAPPORT_CHROMIUM (or CHROMIUM_PATH) environment variable, Debian's and
 * other distributions' paths, then a browser Playwright itself installed.
 * Every page runs with name resolution closed except for 127.0.0.1, so a
 * request that would leave the machine fails loudly instead of succeeding.
 */
import {existsSync} from "node:fs";
import {chromium, type Browser} from "playwright-core";

const candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable", "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"];

export const chromiumFlags = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
];

export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.RAPPORT_CHROMIUM ?? env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`RAPPORT_CHROMIUM=${fromEnv} does not exist`);
    return fromEnv;
  }
  const found = candidates.find((path) => existsSync(path));
  if (found) return found;
  try {
    const own = chromium.executablePath();
    if (own && existsSync(own)) return own;
  } catch {
    // playwright-core knows no browser of its own here
  }
  throw new Error(
    "No Chromium found for the browser tests. Install one (Debian/Ubuntu: `sudo apt-get install -y chromium`; " +
      "macOS: install Google Chrome), or set RAPPORT_CHROMIUM to the browser's executable."
  );
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({executablePath: findChromium(), args: chromiumFlags, headless: true});
}
