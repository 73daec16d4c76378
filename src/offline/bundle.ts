/**
 * Bundles one installed package into a single browser ES module, the way the
 * jsDelivr CDN's `/npm/name@version/+esm` endpoint does: the package's own
 * files are inlined, and every ES import of another package stays an import of
 * `/npm/dep@version/path/+esm`, at the exact version that the importing file
 * sees in node_modules. Framework then rewrites those to its `/_npm/` paths and
 * asks for each in turn, so each package is bundled once and shared.
 *
 * CommonJS `require()`s of other packages are inlined instead: a require is
 * synchronous and cannot become an ES import. Node built-ins become empty
 * modules, as they do on the CDN.
 */
import {existsSync, readFileSync} from "node:fs";
import {builtinModules, createRequire} from "node:module";
import {basename, dirname, join} from "node:path";
import {build, type Plugin} from "esbuild";
import {parseSpecifier, type InstalledPackage} from "./packages.js";

const builtins = new Set(builtinModules);

/** Returns the ES module source for pkg (or pkg/subpath) as the CDN's +esm would. */
export async function bundlePackage(pkg: InstalledPackage, subpath?: string): Promise<string> {
  const entry = subpath ? `${pkg.name}/${subpath}` : pkg.name;
  const first = await bundle(pkg, {resolve: entry});
  if (first.format !== "cjs") return first.code;
  // A CommonJS entry has only a default export once bundled; jsDelivr also
  // exposes its properties as named exports, so pages can `import {x}`.
  const names = commonJsExportNames(pkg.dir, entry);
  if (names.length === 0) return first.code;
  const contents = `import m from ${JSON.stringify(entry)}; export default m; export const {${names.join(", ")}} = m;`;
  return (await bundle(pkg, {contents})).code;
}

async function bundle(
  pkg: InstalledPackage,
  entry: {resolve: string} | {contents: string}
): Promise<{code: string; format?: string}> {
  const result = await build({
    ...("contents" in entry
      ? {stdin: {contents: entry.contents, resolveDir: pkg.dir, sourcefile: "rapport-entry.js"}}
      : {entryPoints: ["rapport:entry"]}),
    absWorkingDir: pkg.dir,
    bundle: true,
    write: false,
    outfile: "out.js",
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    legalComments: "eof",
    metafile: true,
    logLevel: "silent",
    define: {"process.env.NODE_ENV": '"production"'},
    loader: {".css": "empty"},
    plugins: [externalPackages(pkg, "resolve" in entry ? entry.resolve : undefined)]
  });
  const js = result.outputFiles.find((f) => f.path.endsWith(".js"));
  if (!js) throw new Error(`esbuild produced no JavaScript for ${pkg.name}@${pkg.version}`);
  const entryPoint = Object.values(result.metafile.outputs).find((o) => o.entryPoint)?.entryPoint;
  const format = entryPoint ? result.metafile.inputs[entryPoint]?.format : undefined;
  return {code: js.text, format};
}

function externalPackages(pkg: InstalledPackage, entry: string | undefined): Plugin {
  return {
    name: "rapport-external-packages",
    setup(build) {
      if (entry) {
        build.onResolve({filter: /^rapport:entry$/}, async () => {
          const resolved = await build.resolve(entry, {kind: "import-statement", resolveDir: pkg.dir});
          if (resolved.errors.length) throw new Error(`cannot resolve ${entry} in ${pkg.dir}: ${resolved.errors[0].text}`);
          return {path: resolved.path};
        });
      }
      build.onResolve({filter: /^[^./]/}, (args) => {
        if (args.kind === "entry-point") return undefined;
        const bare = args.path.replace(/^node:/, "");
        if (args.path.startsWith("node:") || builtins.has(bare.split("/")[0])) {
          return {path: bare, namespace: "rapport-empty"};
        }
        const {name, path} = parseSpecifier(args.path);
        if (name === pkg.name || args.kind === "require-call") return undefined; // inline
        const version = installedVersionSeenFrom(args.resolveDir, name);
        if (!version) return undefined; // let esbuild report what is missing
        return {path: `/npm/${name}@${version}/${path ? `${path}/` : ""}+esm`, external: true};
      });
      build.onLoad({filter: /.*/, namespace: "rapport-empty"}, () => ({contents: "export default {};", loader: "js"}));
    }
  };
}

/** The version of name that Node's resolution finds from dir (nearest node_modules first). */
export function installedVersionSeenFrom(dir: string, name: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    if (basename(d) !== "node_modules") {
      const manifest = join(d, "node_modules", name, "package.json");
      if (existsSync(manifest)) return (JSON.parse(readFileSync(manifest, "utf-8")) as {version: string}).version;
    }
    if (dirname(d) === d) return undefined;
  }
}

function commonJsExportNames(dir: string, entry: string): string[] {
  try {
    const exports: unknown = createRequire(join(dir, "package.json"))(entry);
    if (exports === null || (typeof exports !== "object" && typeof exports !== "function")) return [];
    return Object.keys(exports).filter((k) => k !== "default" && /^[A-Za-z_$][\w$]*$/.test(k));
  } catch {
    return []; // a module that cannot run in Node keeps its default export only
  }
}
