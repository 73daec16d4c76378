/**
 * Errors that stop an ingest run: the shared error module's IngestError
 * (a RapportError), re-exported where the ingest code has always found it.
 */
export {IngestError, type IngestErrorKind} from "../errors.js";
