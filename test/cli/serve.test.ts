/**
 * rapport serve keeps serving: through malformed URLs, and through a build
 * swapping dist/ under load from a loopback client (both on a real
 * `rapport serve` process); it answers conditional and range requests and
 * says clearly when there is nothing to serve.
 */
import {mkdirSync, renameSync, writeFileSync} from "node:fs";
import {request} from "node:http";
import {join} from "node:path";
import {afterEach, describe, expect, it} from "vitest";
import {exitCodes} from "../../src/errors.js";
import {cacheControl, serveStatic} from "../../src/cli/serve.js";
import {tempTree} from "../support/fixtures.js";
import {alive, startRapport, stopAll, waitFor, type RapportProcess} from "../support/process.js";

afterEach(() => stopAll());

/** A GET with a raw, unnormalised path (fetch would re-encode it). */
function get(url: string, path: string, headers: Record<string, string> = {}): Promise<{status: number; headers: Record<string, string | string[] | undefined>; body: string}> {
  const {hostname, port} = new URL(url);
  return new Promise((ok, fail) => {
    const r = request({host: hostname, port, path, headers}, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c)).on("end", () => ok({status: res.statusCode!, headers: res.headers, body})).on("error", fail);
    });
    r.on("error", fail).end();
  });
}

async function serving(dir: string): Promise<{server: RapportProcess; url: string}> {
  const server = startRapport(["serve", dir, "--port", "0"], {cwd: dir});
  const url = await waitFor(() => /serving .* at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(server.output())?.[1], "rapport serve to listen", 30);
  return {server, url};
}

function site(label: string, size = 200_000): Record<string, string> {
  return {"index.html": `<h1>${label}</h1>`, "404.html": "missing", "retention.html": "retention", "_file/data/big.0a1b2c.csv": `${label}\n`.padEnd(size, "x")};
}

describe("rapport serve (a real process)", () => {
  it("rapport serve answers malformed URLs with 400 and keeps serving", async () => {
    const dir = tempTree(Object.fromEntries(Object.entries(site("home")).map(([k, v]) => [`dist/${k}`, v])));
    const {server, url} = await serving(join(dir, "dist"));
    for (const path of ["/%", "/%E0%A4%A", "/%ZZ", "/a%", "/%C0%AE%C0%AE/"]) {
      const r = await get(url, path);
      expect([400, 404], path).toContain(r.status);
    }
    expect((await get(url, "/%")).status).toBe(400);
    expect((await get(url, "/%E0%A4%A")).status).toBe(400);
    expect(await get(url, "/")).toMatchObject({status: 200, body: "<h1>home</h1>"});
    expect(alive(server.pid)).toBe(true);
  });

  it("rapport serve keeps serving while a build swaps dist/ under load", async () => {
    const dir = tempTree({});
    for (const [name, label] of [["dist", "one"], ["dist.next", "two"]]) {
      for (const [file, text] of Object.entries(site(label))) {
        mkdirSync(join(dir, name, file, ".."), {recursive: true});
        writeFileSync(join(dir, name, file), text);
      }
    }
    const {server, url} = await serving(join(dir, "dist"));
    const statuses = new Map<string, number>();
    const count = (key: string) => statuses.set(key, (statuses.get(key) ?? 0) + 1);
    let swapping = true;
    let swaps = 0;
    // The swap rapport build does (dist → dist.previous, dist.next → dist), as fast as it goes, for 3 s.
    const swapper = (async () => {
      const end = Date.now() + 3000;
      while (Date.now() < end) {
        renameSync(join(dir, "dist"), join(dir, "dist.previous"));
        renameSync(join(dir, "dist.next"), join(dir, "dist"));
        renameSync(join(dir, "dist.previous"), join(dir, "dist.next"));
        swaps++;
        await new Promise((ok) => setImmediate(ok));
      }
      swapping = false;
    })();
    const client = async () => {
      let n = 0;
      while (swapping && n++ < 2000) {
        for (const path of ["/", "/retention", "/_file/data/big.0a1b2c.csv"]) {
          await get(url, path).then((r) => count(String(r.status)), (e: NodeJS.ErrnoException) => count(e.code ?? "error"));
        }
      }
    };
    await Promise.all([swapper, ...Array.from({length: 6}, client)]);
    expect(swaps).toBeGreaterThan(100);
    expect(alive(server.pid), `server died: ${server.output()}`).toBe(true);
    expect(statuses.get("200")).toBeGreaterThan(100);
    expect(statuses.has("ECONNREFUSED")).toBe(false);
    expect((await get(url, "/")).status).toBe(200);
  });

  it("rapport serve of a folder without a site exits 65 with one line that says what to do", async () => {
    const dir = tempTree({"x.txt": ""});
    const server = startRapport(["serve", join(dir, "missing")], {cwd: dir});
    expect(await server.exited).toBe(exitCodes.badInput);
    expect(server.output()).toMatch(/^rapport: .*missing has no index.html: build the site first/);
    expect(server.output()).not.toMatch(/\n\s+at /);
    expect(server.output().trim().split("\n")).toHaveLength(1);
  });
});

describe("serveStatic", () => {
  it("serveStatic(dir) sends an ETag and answers If-None-Match with 304", async () => {
    const s = await serveStatic(tempTree(site("home")));
    try {
      const first = await get(s.url, "/retention");
      expect(first.status).toBe(200);
      expect(first.headers.etag).toBeTruthy();
      expect(first.headers["cache-control"]).toBe("no-cache");
      expect(first.headers["last-modified"]).toBeTruthy();
      const again = await get(s.url, "/retention", {"if-none-match": String(first.headers.etag)});
      expect(again.status).toBe(304);
      expect(again.body).toBe("");
    } finally {
      await s.close();
    }
  });

  it("serveStatic(dir) answers a Range request with 206 and the bytes asked for, and an impossible one with 416", async () => {
    const s = await serveStatic(tempTree(site("home")));
    try {
      const part = await get(s.url, "/_file/data/big.0a1b2c.csv", {range: "bytes=0-4"});
      expect(part.status).toBe(206);
      expect(part.body).toBe("home\n");
      expect(part.headers["content-range"]).toBe("bytes 0-4/200000");
      expect(part.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
      expect((await get(s.url, "/_file/data/big.0a1b2c.csv", {range: "bytes=300000-"})).status).toBe(416);
    } finally {
      await s.close();
    }
  });

  it("cacheControl(path) caches Framework's hashed files for a year and revalidates pages", () => {
    expect(cacheControl("/_import/components/chart.1a2b3c4d.js")).toMatch(/immutable/);
    expect(cacheControl("/retention")).toBe("no-cache");
    expect(cacheControl("/")).toBe("no-cache");
  });
});
