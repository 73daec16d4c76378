/**
 * group-pages.json: the segment, region and channel pages (src/metrics/groupPages.ts: named groups with at
 * least minGroupSize customers): kind, folder, slug and name, for the links from the other report pages.
 */
import {groupPages as pagesOf} from "../metrics/groupPages.js";
import type {ResultContext} from "./context.js";

/** The group pages, shared with groups.json. */
export const sharedGroupPages = ({db, config, shared}: ResultContext) => shared(`group pages ${config.minGroupSize}`, () => pagesOf(db, config.minGroupSize));

export async function groupPages(context: ResultContext): Promise<string> {
  const pages = await sharedGroupPages(context);
  return JSON.stringify(pages.map(({by, path, slug, label}) => ({by, path, slug, label})));
}
