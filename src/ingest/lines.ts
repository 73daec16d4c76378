/**
 * Orders as real exports write them: one row per order line, credit notes
 * and refunds beside the orders, sales with no customer, and the currency of
 * the amounts. Declared per file in rapport.config.json ("lines", "returns",
 * "guests", "currency"; see src/config.ts); this module turns the staged lines
 * of such a file into orders, returns and guest orders before they are
 * written. Rules:
 *
 * - Lines: rows with the same order id are one order. Its amount is the sum
 *   of the lines' amounts (quantity × unit price when the config names both),
 *   its time the earliest line's. Its lines must agree on the customer, the
 *   currency and the status; when they do not, or when one of its lines is
 *   rejected, every line of the order is rejected (a part of an order is not
 *   an order), with a reason that names the order. The first line of an
 *   order counts as accepted, the others as skipped ("further line of an
 *   order"), so read = accepted + rejected + skipped still holds.
 * - Returns: an order whose id matches returns.idPattern, whose status is one
 *   of returns.status, or (returns.negative) whose amount is below zero is a
 *   return (a credit note, a refund). It is not an order and not activity: it
 *   goes to the `returns` table with the size of its total as the amount
 *   credited, whatever its sign in the export, and reduces its customer's net
 *   revenue at its own date. returns.originalId names the column that gives
 *   the order it refers to, when the export says it (returns.order_id).
 * - Guests (guests: "allow"): an order with no customer id goes to
 *   `guest_orders`, a return with none to `returns` with a NULL customer; they
 *   count as accepted, never in a cohort, and are reported apart.
 * - Customer attributes: an orders file may map the customers' region,
 *   segment, channel and plan ("region": "Country"). The lines of an order
 *   must agree on them; a customer derived from orders takes those of their
 *   latest order, and one from a customers export keeps its own, the orders
 *   filling only what it lacks.
 * - Currency: a file's amounts are in its currency column, else the file's
 *   "currency", else the top-level one. With "reportingCurrency" and "rates"
 *   every amount is converted when loaded (a row in a currency with no rate is
 *   rejected); without them, orders in more than one currency stop the load.
 */
import type {FileConfig, RapportConfig} from "../config.js";
import {literal, type Database} from "../warehouse/duckdb.js";
import {IngestError} from "./errors.js";
import {numberSql} from "./sql.js";
import type {ExportRule, FieldMapping} from "./source.js";

/** Credit notes, refunds and returns: amount is what was credited (positive), order_id the original order when known. */
export const returnsTableSql = `CREATE TABLE IF NOT EXISTS returns (id VARCHAR, customer_id VARCHAR, returned_at TIMESTAMP, amount DOUBLE, currency VARCHAR, order_id VARCHAR, _source VARCHAR, _line BIGINT)`;

/** Orders with no customer id (guest checkouts, cash sales), kept apart from the customers' orders. */
export const guestOrdersTableSql = `CREATE TABLE IF NOT EXISTS guest_orders (id VARCHAR, ordered_at TIMESTAMP, amount DOUBLE, currency VARCHAR, status VARCHAR, _source VARCHAR, _line BIGINT)`;

/** Customer attributes read from orders files, one row per order, for applyOrderAttributes. */
export const orderAttributesTableSql = `CREATE TABLE IF NOT EXISTS _order_attributes (customer_id VARCHAR, ordered_at TIMESTAMP, region VARCHAR, segment VARCHAR, channel VARCHAR, plan VARCHAR, _source VARCHAR)`;

export const shapedTables = ["returns", "guest_orders", "_order_attributes"] as const;

/** The customer fields an orders file may carry. */
export const customerAttributes = ["region", "segment", "channel", "plan"] as const;

export async function createShapedTables(db: Database): Promise<void> {
  await db.run(returnsTableSql);
  await db.run(guestOrdersTableSql);
  await db.run(orderAttributesTableSql);
}

function attributesOf(fileConfig: FileConfig | undefined): (typeof customerAttributes)[number][] {
  return customerAttributes.filter((a) => fileConfig?.columns?.[a] !== undefined);
}

/** Whether a file of orders needs this module: lines, returns, guests, or a currency to convert. */
export function isShaped(fileConfig: FileConfig | undefined, config: RapportConfig): boolean {
  return Boolean(fileConfig?.lines || fileConfig?.returns || fileConfig?.guests === "allow" || config.reportingCurrency || attributesOf(fileConfig).length > 0);
}

/**
 * The export rule with the file's lines, returns and currency applied: the
 * amount computed from quantity × unit price, return statuses accepted as
 * status values, and the currency defaulted. Only for orders.
 */
export function shapedRule(rule: ExportRule, fileConfig: FileConfig | undefined, config: RapportConfig, path: string): ExportRule {
  if (rule.entity !== "orders") {
    for (const key of ["lines", "returns", "guests"] as const) {
      if (fileConfig?.[key] !== undefined) throw new IngestError(`${path}: "${key}" is for orders, but this file is read as ${rule.title}; remove it or set "entity": "orders"`, "bad-input", path);
    }
    return rule;
  }
  const columns: Partial<Record<string, FieldMapping>> = {...rule.columns};
  const currency = fileConfig?.currency ?? config.currency;
  if (currency) columns.currency = {...columns.currency, default: currency};
  const lines = fileConfig?.lines;
  if (lines?.quantity && lines.unitPrice) {
    const decimal = rule.decimal ?? ".";
    const {quantity, unitPrice} = lines;
    columns.amount = {
      sql: (c, header) => {
        for (const name of [quantity, unitPrice]) {
          if (!header.some((h) => h.trim().toLowerCase() === name.toLowerCase())) {
            throw new IngestError(`${path}: no column "${name}" for the order lines' ${name === quantity ? "quantity" : "unitPrice"} (the file has ${header.join(", ")}); fix "lines" in rapport.config.json`, "bad-input", path);
          }
        }
        const q = `nullif(trim(${c(quantity)}), '')`;
        const p = `nullif(trim(${c(unitPrice)}), '')`;
        const [nq, np] = [numberSql(q, decimal), numberSql(p, decimal)];
        // An unreadable quantity or price leaves text that is no number, so the line is rejected under amount with both values.
        return `CASE WHEN ${q} IS NULL AND ${p} IS NULL THEN NULL WHEN ${nq} IS NOT NULL AND ${np} IS NOT NULL THEN round(${nq} * ${np}, 6)::VARCHAR ELSE concat(coalesce(${q}, '?'), ' × ', coalesce(${p}, '?')) END`;
      }
    };
  }
  const statuses = returnStatuses(fileConfig);
  if (statuses.length > 0) {
    // A return's status is no order status: accept it as "refunded" here; the return flag comes from the raw value (shapeExtras).
    columns.status = {...columns.status, values: {...columns.status?.values, ...Object.fromEntries(statuses.map((s) => [s, "refunded"]))}};
  }
  return {...rule, columns};
}

function returnStatuses(fileConfig: FileConfig | undefined): string[] {
  const s = fileConfig?.returns?.status;
  return (s === undefined ? [] : typeof s === "string" ? [s] : s).map((x) => x.trim().toLowerCase());
}

/**
 * Extra staged columns, as SQL over the raw columns: `_return` (the id
 * pattern or a return status matched) and `_original` (the original order's
 * id). fields gives each model field's raw expression.
 */
export function shapeExtras(fileConfig: FileConfig | undefined, fields: ReadonlyMap<string, {raw?: string}>, header: readonly string[], path: string): Record<string, string> {
  const returns = fileConfig?.returns;
  const text = (raw: string | undefined) => (raw === undefined ? "NULL::VARCHAR" : `nullif(trim(${raw}::VARCHAR), '')`);
  const flags: string[] = [];
  if (returns?.idPattern) {
    try {
      new RegExp(returns.idPattern);
    } catch (error) {
      throw new IngestError(`${path}: returns.idPattern is not a regular expression: ${(error as Error).message}`, "bad-input", path);
    }
    flags.push(`coalesce(regexp_matches(${text(fields.get("id")?.raw)}, ${literal(returns.idPattern)}), false)`);
  }
  const statuses = returnStatuses(fileConfig);
  if (statuses.length > 0) flags.push(`coalesce(lower(${text(fields.get("status")?.raw)}) IN (${statuses.map(literal).join(", ")}), false)`);
  let original = "NULL::VARCHAR";
  if (returns?.originalId) {
    const found = header.find((h) => h.trim().toLowerCase() === returns.originalId!.toLowerCase());
    if (found === undefined) throw new IngestError(`${path}: no column "${returns.originalId}" for returns.originalId (the file has ${header.join(", ")})`, "bad-input", path);
    original = text(`"${found.replaceAll('"', '""')}"`);
  }
  const attributes = Object.fromEntries(
    attributesOf(fileConfig).map((a) => {
      const m = fileConfig!.columns![a]!;
      const mapping = typeof m === "string" ? {column: m} : m;
      const names = mapping.column === undefined ? [] : typeof mapping.column === "string" ? [mapping.column] : mapping.column;
      const found = names.map((n) => header.find((h) => h.trim().toLowerCase() === n.toLowerCase())).find((h) => h !== undefined);
      if (found === undefined && mapping.sql === undefined && mapping.default === undefined) {
        throw new IngestError(`${path}: no column ${names.map((n) => `"${n}"`).join(" or ")} for the customers' ${a} (the file has ${header.join(", ")})`, "bad-input", path);
      }
      let x = mapping.sql !== undefined ? `(${mapping.sql})` : text(found === undefined ? undefined : `"${found.replaceAll('"', '""')}"`);
      if (mapping.values) x = `CASE lower(${x}) ${Object.entries(mapping.values).map(([from, to]) => `WHEN ${literal(from.toLowerCase())} THEN ${literal(to)}`).join(" ")} ELSE ${x} END`;
      if (mapping.default !== undefined) x = `coalesce(${x}, ${literal(mapping.default)})`;
      return [`_a_${a}`, x];
    })
  );
  return {_return: flags.length ? flags.join(" OR ") : "false", _original: original, ...attributes};
}

/**
 * Turns the staged rows of an orders file into orders, returns and guest
 * orders (column `_kind`), aggregating lines and rejecting the orders that
 * break the rules above. Runs after staging, before duplicates and unknown
 * customers are checked.
 */
export async function shapeOrders(db: Database, staged: string, fileConfig: FileConfig | undefined, config: RapportConfig): Promise<void> {
  const lines = fileConfig?.lines !== undefined;
  const attributes = attributesOf(fileConfig);
  const negative = fileConfig?.returns?.negative === true;
  const key = lines ? "id" : "_line";
  const good = "problem IS NULL AND NOT _skip";
  if (config.reportingCurrency) {
    const rates = {...config.rates, [config.reportingCurrency]: 1};
    const cases = Object.entries(rates).map(([code, rate]) => `WHEN ${literal(code)} THEN ${rate}`).join(" ");
    await db.run(`UPDATE ${staged} SET problem = {'column': 'currency', 'value': currency, 'reason': 'no rate for this currency: add it to "rates" in rapport.config.json'}
      WHERE ${good} AND upper(currency) NOT IN (${Object.keys(rates).map(literal).join(", ")})`);
    await db.run(`UPDATE ${staged} SET amount = amount * (CASE upper(currency) ${cases} END), currency = ${literal(config.reportingCurrency)} WHERE ${good} AND currency IS NOT NULL`);
    await db.run(`UPDATE ${staged} SET currency = ${literal(config.reportingCurrency)} WHERE ${good} AND currency IS NULL`);
  }
  await db.run(`ALTER TABLE ${staged} ADD COLUMN _kind VARCHAR DEFAULT 'order'`);
  // One row per order: its first line, totals, and what may be wrong with it as a whole.
  const isReturn = `(a.is_return${negative ? " OR a.amount < 0" : ""})`;
  await db.run(`CREATE OR REPLACE TEMP TABLE shaped_orders AS
WITH agg AS (
  SELECT ${key} AS k, any_value(id) AS id, min(_line) AS first_line, round(sum(amount), 6) AS amount, min(ordered_at) AS ordered_at,
    count(DISTINCT coalesce(customer_id, chr(0))) AS customers, count(DISTINCT coalesce(currency, chr(0))) AS currencies, count(DISTINCT status) AS statuses,
    any_value(customer_id) AS customer_id, bool_or(_return) AS is_return, max(_original) AS original, any_value(status) AS status
    ${attributes.map((a) => `, count(DISTINCT "_a_${a}") AS "n_${a}", max("_a_${a}") AS "v_${a}"`).join("")}
  FROM ${staged} WHERE ${good} ${lines ? "AND id IS NOT NULL" : ""} GROUP BY ${key}
)${lines ? `, bad AS (
  SELECT id, min(_line) AS bad_line FROM ${staged} WHERE problem IS NOT NULL AND NOT _skip AND id IS NOT NULL GROUP BY id
), firsts AS (
  -- each customer an order's lines name, at its first line, for the message when they disagree
  SELECT id, coalesce(customer_id, '(none)') AS customer, min(_line) AS line FROM ${staged}
  WHERE ${good} AND id IN (SELECT id FROM agg WHERE customers > 1) GROUP BY ALL
), lists AS (
  SELECT id, string_agg(customer || ' at line ' || line, ', ' ORDER BY line) AS customer_list FROM firsts GROUP BY id
)` : ""}
SELECT a.*, CASE
    ${lines ? `WHEN b.bad_line IS NOT NULL THEN {'column': 'id', 'value': a.id, 'reason': 'another line of this order was rejected (order ' || a.id || ', line ' || b.bad_line || '); the whole order is left out'}
    WHEN a.customers > 1 THEN {'column': 'customer_id', 'value': a.id, 'reason': 'order lines disagree on customer_id: order ' || a.id || ' has ' || l.customer_list}
    WHEN a.currencies > 1 THEN {'column': 'currency', 'value': a.id, 'reason': 'order lines disagree on currency: order ' || a.id}
    WHEN a.statuses > 1 THEN {'column': 'status', 'value': a.id, 'reason': 'order lines disagree on status: order ' || a.id}
    ${attributes.map((a) => `WHEN a."n_${a}" > 1 THEN {'column': '${a}', 'value': a.id, 'reason': 'order lines disagree on ${a}: order ' || a.id}`).join("\n    ")}` : ""}
    WHEN NOT ${isReturn} AND a.status = 'completed' AND a.amount < 0
      THEN {'column': 'amount', 'value': a.amount::VARCHAR, 'reason': 'negative amount on a completed order${lines ? " (the sum of its lines)" : ""}'}
  END AS problem,
  CASE WHEN ${isReturn} THEN 'return' WHEN a.customer_id IS NULL THEN 'guest' ELSE 'order' END AS kind
FROM agg a${lines ? " LEFT JOIN bad b ON b.id = a.id LEFT JOIN lists l ON l.id = a.id" : ""}`);
  // Every line of a rejected order is rejected; the first line of a good one carries the order, the others are skipped.
  await db.run(`UPDATE ${staged} SET problem = s.problem FROM shaped_orders s WHERE ${staged}.${key} = s.k AND ${staged}.problem IS NULL AND NOT ${staged}._skip AND s.problem IS NOT NULL`);
  await db.run(`UPDATE ${staged} SET amount = s.amount, ordered_at = s.ordered_at, _kind = s.kind, _original = s.original${attributes.map((a) => `, "_a_${a}" = s."v_${a}"`).join("")}
    FROM shaped_orders s WHERE ${staged}._line = s.first_line AND s.problem IS NULL`);
  if (lines) await db.run(`UPDATE ${staged} SET _skip = true FROM shaped_orders s WHERE ${staged}.id = s.k AND ${staged}._line <> s.first_line AND s.problem IS NULL AND ${staged}.problem IS NULL`);
  await db.run("DROP TABLE shaped_orders");
}

/**
 * Writes the staged returns and guest orders to their tables (replacing rows
 * by id) and removes them from staged, so the usual upsert writes only orders.
 */
export async function writeShaped(db: Database, staged: string, file: string, fileConfig: FileConfig | undefined): Promise<void> {
  const good = `problem IS NULL AND NOT _skip`;
  const attributes = attributesOf(fileConfig);
  await db.run(`DELETE FROM _order_attributes WHERE _source = ${literal(file)}`);
  if (attributes.length > 0) {
    const value = (a: string) => (attributes.includes(a as (typeof attributes)[number]) ? `"_a_${a}"` : "NULL");
    await db.run(`INSERT INTO _order_attributes SELECT customer_id, ordered_at, ${customerAttributes.map(value).join(", ")}, _source FROM ${staged} WHERE ${good} AND _kind = 'order'`);
  }
  await db.run(`DELETE FROM returns WHERE id IN (SELECT id FROM ${staged} WHERE ${good} AND _kind = 'return')`);
  await db.run(`INSERT INTO returns SELECT id, customer_id, ordered_at, abs(amount), currency, _original, _source, _line FROM ${staged} WHERE ${good} AND _kind = 'return'`);
  await db.run(`DELETE FROM guest_orders WHERE id IN (SELECT id FROM ${staged} WHERE ${good} AND _kind = 'guest')`);
  await db.run(`INSERT INTO guest_orders SELECT id, ordered_at, amount, currency, status, _source, _line FROM ${staged} WHERE ${good} AND _kind = 'guest'`);
  await db.run(`DELETE FROM ${staged} WHERE _kind <> 'order'`);
}

/** How many of the staged records are returns and guest orders (for the file's report). */
export async function shapedCounts(db: Database, staged: string): Promise<{orders: number; returns: number; guestOrders: number; lines: number}> {
  const [row] = await db.all<{orders: number; returns: number; guests: number; lines: number}>(
    `SELECT count(*) FILTER (WHERE problem IS NULL AND NOT _skip AND _kind = 'order')::DOUBLE AS orders,
      count(*) FILTER (WHERE problem IS NULL AND NOT _skip AND _kind = 'return')::DOUBLE AS returns,
      count(*) FILTER (WHERE problem IS NULL AND NOT _skip AND _kind = 'guest')::DOUBLE AS guests,
      count(*) FILTER (WHERE _skip)::DOUBLE AS lines FROM ${staged}`
  );
  return {orders: row.orders, returns: row.returns, guestOrders: row.guests, lines: row.lines};
}

/**
 * Refuses a warehouse whose amounts that count (completed orders and guest
 * orders, returns) are in more than one currency, since amounts in different
 * currencies cannot be added, naming each currency with its files. A
 * refunded or cancelled order counts nothing, so its currency does not matter. With a reportingCurrency everything was converted
 * when loaded, so there is one.
 */
export async function checkCurrencies(db: Database): Promise<void> {
  const rows = await db.all<{currency: string; files: string; n: number}>(`SELECT upper(currency) AS currency, string_agg(DISTINCT _source, ', ' ORDER BY _source) AS files, count(*)::DOUBLE AS n
FROM (SELECT currency, _source FROM orders WHERE status = 'completed' UNION ALL SELECT currency, _source FROM returns UNION ALL SELECT currency, _source FROM guest_orders WHERE status = 'completed')
WHERE currency IS NOT NULL GROUP BY ALL ORDER BY n DESC, currency`);
  if (rows.length <= 1) return;
  const list = rows.map((r) => `${r.currency} (${r.n.toLocaleString("en")} record${r.n === 1 ? "" : "s"} in ${r.files})`).join(", ");
  throw new IngestError(
    `the orders are in ${rows.length} currencies: ${list}. Amounts in different currencies cannot be added up. ` +
      `Load one currency's exports, or name the currency the reports are in and the rate of each other in rapport.config.json: ` +
      `{"reportingCurrency": "${rows[0].currency}", "rates": {${rows.slice(1).map((r) => `"${r.currency}": <${rows[0].currency} per ${r.currency}>`).join(", ")}}}`,
    "bad-input"
  );
}

/**
 * Fills customers' region, segment, channel and plan from the orders files
 * that carry them: a customer derived from orders takes their latest order's
 * values; one from a customers export keeps its own and gains only the
 * missing ones.
 */
export async function applyOrderAttributes(db: Database): Promise<void> {
  const set = customerAttributes.map((a) => `${a} = CASE WHEN customers._derived THEN coalesce(l.${a}, customers.${a}) ELSE coalesce(customers.${a}, l.${a}) END`);
  await db.run(`UPDATE customers SET ${set.join(", ")}
FROM (SELECT customer_id, ${customerAttributes.map((a) => `arg_max(${a}, ordered_at) FILTER (WHERE ${a} IS NOT NULL) AS ${a}`).join(", ")} FROM _order_attributes GROUP BY customer_id) l
WHERE customers.id = l.customer_id`);
}

/** Removes the returns and guest orders of a file no longer among the exports. */
export async function removeShaped(db: Database, file: string): Promise<void> {
  for (const table of shapedTables) await db.run(`DELETE FROM ${table} WHERE _source = ${literal(file)}`);
}
