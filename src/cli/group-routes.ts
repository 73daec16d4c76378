/**
 * The routes and sidebar sections of the segment, region and channel pages
 * (reports/[kind]/[group].md), for observablehq.config.ts: the groups that
 * get a page are read from the warehouse the build reads (RAPPORT_WAREHOUSE),
 * with the config's minGroupSize. Without a warehouse (a fresh clone under
 * `rapport preview` before any build) there are no group pages; a warehouse
 * that exists but cannot be read fails the build, as a data loader would.
 */
import {existsSync} from "node:fs";
import {loadConfig} from "../config.js";
import {groupKinds, groupPages, type GroupPage} from "../metrics/groupPages.js";
import {projectRoot, warehousePath} from "../paths.js";
import {readWarehouse} from "../warehouse/read.js";

export interface GroupRoutes {
  /** Framework's dynamicPaths: /segments/enterprise, /regions/emea, /channels/paid-search, … */
  paths: string[];
  /** One collapsible sidebar section per kind with pages. */
  sections: {name: string; collapsible: true; open: boolean; pages: {name: string; path: string}[]}[];
}

export function routesOf(pages: readonly GroupPage[]): GroupRoutes {
  return {
    paths: pages.map((p) => `/${p.path}/${p.slug}`),
    sections: groupKinds
      .map((k) => ({
        name: k.section,
        collapsible: true as const,
        open: false,
        pages: pages.filter((p) => p.by === k.by).map((p) => ({name: p.label, path: `/${p.path}/${p.slug}`}))
      }))
      .filter((s) => s.pages.length > 0)
  };
}

export async function groupRoutes(path = warehousePath()): Promise<GroupRoutes> {
  if (!existsSync(path)) return {paths: [], sections: []};
  const {minGroupSize} = await loadConfig(projectRoot);
  return routesOf(await readWarehouse((db) => groupPages(db, minGroupSize), path));
}
