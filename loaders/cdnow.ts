/**
 * CDNOW: the public transaction data of Fader & Hardie's CLV papers
 * (CDNOW_master.txt, CDNOW_sample.txt). Whitespace-separated, one line per
 * purchase: master id, [sample id,] date YYYYMMDD, number of CDs, dollar value.
 * There is no order id, so a purchase's id is its line in the file (loading
 * the same file again gives the same ids). Customers are derived from orders.
 */
import {literal} from "../src/warehouse/duckdb.js";
import type {SourceDefinition} from "../src/ingest/source.js";

export const cdnow: SourceDefinition = {
  name: "cdnow",
  title: "CDNOW (Fader & Hardie)",
  exports: [
    {
      entity: "orders",
      title: "CDNOW purchases",
      name: /^cdnow_(master|sample)\.txt$/i,
      dateFormats: ["%Y%m%d"],
      read: (path) => `SELECT _line, parts[1] AS customer, parts[-3] AS day, parts[-1] AS dollars
FROM (
  SELECT row_number() OVER () AS _line, string_split(trim(regexp_replace(line, '\\s+', ' ', 'g')), ' ') AS parts
  FROM read_csv(${literal(path)}, columns = {'line': 'VARCHAR'}, header = false, delim = '\\t', quote = '', escape = '')
)
WHERE parts[-1] <> 'dollar_value' AND trim(parts[1]) <> ''`,
      columns: {
        id: {sql: `'cdnow:' || _line`},
        customer_id: {column: "customer"},
        ordered_at: {column: "day"},
        amount: {column: "dollars"},
        currency: {default: "USD"},
        status: {default: "completed"}
      }
    }
  ]
};
