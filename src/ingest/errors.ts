/**
 * Errors that stop an ingest run. Each names the file and says what to do;
 * kind picks the exit code a scheduler sees (see src/cli/main.ts).
 */
export type IngestErrorKind = "bad-input" | "threshold";

export class IngestError extends Error {
  override name = "IngestError";
  constructor(
    message: string,
    readonly kind: IngestErrorKind = "bad-input",
    readonly file?: string
  ) {
    super(message);
  }
}
