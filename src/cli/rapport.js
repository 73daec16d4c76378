#!/usr/bin/env node
// The `rapport` command. The CLI is TypeScript; tsx (a dependency) compiles it
// on the fly so a fresh clone runs with no build step.
import {register} from "tsx/esm/api";

register();
const {main} = await import("./main.ts");
process.exitCode = await main(process.argv.slice(2));
