import {describe, expect, it} from "vitest";
import {exitCodeOf, exitCodes, formatError, IngestError, isIoError, RapportError, toRapportError, UsageError, type ErrorKind} from "../src/errors.js";
import {IngestError as IngestErrorFromIngest} from "../src/ingest/errors.js";

describe("src/errors", () => {
  it("exitCodeOf(kind) gives the documented sysexits-style code of every kind", () => {
    const table: Record<ErrorKind, number> = {usage: 64, "bad-input": 65, threshold: 66, privacy: 67, "build-failed": 70, software: 70, io: 74, busy: 75};
    for (const [kind, code] of Object.entries(table)) expect(exitCodeOf(kind as ErrorKind), kind).toBe(code);
    expect(exitCodes).toMatchObject({ok: 0, usage: 64, badInput: 65, rejectThreshold: 66, privacy: 67, software: 70, buildFailed: 70, io: 74, busy: 75});
  });

  it("IngestError, UsageError are RapportErrors with their codes; src/ingest/errors re-exports the same class", () => {
    const e = new IngestError("orders.csv: no id column", "bad-input", "orders.csv");
    expect(e).toBeInstanceOf(RapportError);
    expect([e.kind, e.exitCode, e.file]).toEqual(["bad-input", 65, "orders.csv"]);
    expect(new IngestError("x", "threshold").exitCode).toBe(66);
    expect(new IngestError("x", "io").exitCode).toBe(74);
    expect(new UsageError("x").exitCode).toBe(64);
    expect(IngestErrorFromIngest).toBe(IngestError);
  });

  it("toRapportError(error) makes a full disk (Node or DuckDB) an io error, anything else an internal error", () => {
    const node = Object.assign(new Error("ENOSPC: no space left on device, write"), {code: "ENOSPC"});
    expect(toRapportError(node)).toMatchObject({kind: "io", message: expect.stringMatching(/^the disk is full \(ENOSPC/)});
    const duck = new Error('TransactionContext Error: Failed to commit: Could not write file "w.duckdb.next-1.wal": No space left on device');
    expect(toRapportError(duck)).toMatchObject({kind: "io", exitCode: 74});
    expect(isIoError(Object.assign(new Error("x"), {code: "EIO"}))).toBe(true);
    expect(toRapportError(new TypeError("x is undefined\n  more"))).toMatchObject({kind: "software", exitCode: 70, message: "internal error: x is undefined …"});
    const known = new RapportError("kept", "privacy");
    expect(toRapportError(known)).toBe(known);
  });

  it("formatError(error) is one line; verbose adds the stacks of the error and its cause", () => {
    const error = new Error("boom");
    expect(formatError(error)).toBe("rapport: internal error: boom (--verbose or RAPPORT_DEBUG=1 shows the stack)\n");
    expect(formatError(new UsageError("bad --by"))).toBe("rapport: bad --by\nRun rapport --help for usage.\n");
    expect(formatError(new IngestError("orders.csv: no id column"))).toBe("rapport: orders.csv: no id column\n");
    const verbose = formatError(error, {verbose: true});
    expect(verbose).toMatch(/^rapport: internal error: boom\n/);
    expect(verbose).toMatch(/Error: boom\n\s+at /);
  });
});
