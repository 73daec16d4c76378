/**
 * Opens a page of the built site and records what a test needs to judge it:
 * console errors, uncaught exceptions, and every request the page made.
 */
import type {Browser, Page} from "playwright-core";
import {waitForPage} from "./page.js";

export interface Visit {
  page: Page;
  errors: string[];
  requests: string[];
}

export async function visit(browser: Browser, url: string, viewport = {width: 1280, height: 900}): Promise<Visit> {
  const page = await browser.newPage({viewport});
  const errors: string[] = [];
  const requests: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => errors.push(`exception: ${error.message}`));
  page.on("requestfailed", (request) => errors.push(`request failed: ${request.url()} (${request.failure()?.errorText})`));
  page.on("request", (request) => requests.push(request.url()));
  await page.goto(url);
  await waitForPage(page);
  return {page, errors, requests};
}

/** True for a request that stays on the machine: the site's own origin, data: or blob: URLs. */
export function isLocal(request: string, siteUrl: string): boolean {
  return request.startsWith(new URL(siteUrl).origin + "/") || /^(data|blob):/.test(request);
}
