/**
 * A plain static file server for a built site, as any static host would
 * serve it: files as they are, `/page` answered by `page.html` (Framework's
 * clean URLs), `/dir/` by `dir/index.html`, and 404.html for anything else.
 * Bound to 127.0.0.1 by default; it is for looking at a build, not hosting.
 */
import {createReadStream, existsSync, statSync} from "node:fs";
import {createServer, type Server} from "node:http";
import type {AddressInfo} from "node:net";
import {extname, join, normalize, resolve, sep} from "node:path";
import {exitCodes} from "../errors.js";
import {integer, type Command} from "./command.js";

const types: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".arrow": "application/vnd.apache.arrow.stream",
  ".parquet": "application/vnd.apache.parquet",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8"
};

export interface StaticServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export async function serveStatic(dir: string, {host = "127.0.0.1", port = 0} = {}): Promise<StaticServer> {
  const base = resolve(dir);
  if (!existsSync(join(base, "index.html"))) throw new Error(`${base} has no index.html: build the site first (npm run build)`);
  const server = createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname);
    const file = findFile(base, pathname);
    const status = file ? 200 : 404;
    const body = file ?? (existsSync(join(base, "404.html")) ? join(base, "404.html") : undefined);
    if (!body) {
      response.writeHead(404, {"content-type": types[".txt"]}).end("not found");
      return;
    }
    response.writeHead(status, {
      "content-type": types[extname(body)] ?? "application/octet-stream",
      "content-length": statSync(body).size
    });
    if (request.method === "HEAD") response.end();
    else createReadStream(body).pipe(response);
  });
  await new Promise<void>((ok, fail) => server.once("error", fail).listen(port, host, () => ok()));
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}/`,
    server,
    close: () => new Promise<void>((ok) => server.close(() => ok()))
  };
}

function findFile(base: string, pathname: string): string | undefined {
  const path = normalize(join(base, pathname));
  if (path !== base && !path.startsWith(base + sep)) return undefined; // no escaping the site
  const candidates = pathname.endsWith("/") ? [join(path, "index.html")] : [path, `${path}.html`, join(path, "index.html")];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

export const serve: Command = {
  usage: "[DIR]",
  summary: "serve a built site (default dist/) on http://127.0.0.1:3000",
  async run({args, cwd, option}) {
    const port = integer(option("port") ?? "3000", "--port");
    const site = await serveStatic(resolve(cwd, args[0] ?? "dist"), {port, host: option("host") ?? "127.0.0.1"});
    process.stderr.write(`rapport: serving ${args[0] ?? "dist"} at ${site.url} (Ctrl-C to stop)\n`);
    await new Promise(() => {}); // until interrupted
    return exitCodes.ok;
  }
};
