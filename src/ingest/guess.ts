/**
 * Guesses a draft rapport.config.json from the header and first rows of each
 * export (`rapport init`, src/cli/init.ts). Pure: it is given every file's
 * columns and sampled rows, and returns the config with one line per thing
 * it guessed and per thing it could not tell. Nothing here reads a file.
 *
 * What it looks at, in order:
 * 1. a file a loader already recognises (a tool's preset, or the model's own
 *    columns) needs no entry;
 * 2. each file's kind by its content: a score column of whole numbers
 *    (0–10 → NPS responses; 1–5, 1–7 → ratings with that scale), a time and a
 *    money column (orders), a key column whose values are another file's order
 *    ids and a money column but no time (a payments lookup, summed per order),
 *    a file whose key holds the orders' customer ids (customers, or "people"
 *    when a second id column names the person behind several per-order ids, as
 *    Olist's customer_unique_id does);
 * 3. per field, the column by its name (lists of names below, best first);
 * 4. from the values: the date format (month-first or day-first by a part above
 *    12), the decimal separator, order lines (an order id that repeats, with
 *    quantity × unit price), credit notes (ids with a letter prefix that go with
 *    negative quantities), guest orders (a customer column sometimes empty),
 *    order statuses (a vocabulary of common words), and the currency (a column,
 *    a symbol on amounts, or the customers' country).
 *
 * Heuristics, every one of them: a guess is printed so that a person checks it.
 */
import type {FileConfig, RapportConfig} from "../config.js";

export interface SampledFile {
  /** The file's name (base name), used as the entry's "match". */
  name: string;
  columns: readonly string[];
  /** The first rows (and, of a long file, rows drawn from all of it, in file order), by column name; "" for an empty value. */
  rows: readonly Readonly<Record<string, string>>[];
  /** The file's records, when more than the rows given. */
  lines?: number;
  /** Set when a loader already recognises the file: what it is ("a HubSpot contacts export"). */
  known?: string;
  /** The encoding the file needs stated (its bytes are not UTF-8), for the entry's "encoding". */
  encoding?: FileConfig["encoding"];
}

export interface Guess {
  config: {currency?: string; files: FileConfig[]};
  /** One line per thing guessed. */
  guessed: string[];
  /** One line per thing that could not be told, saying what to write. */
  unknown: string[];
}

type Mapping = NonNullable<FileConfig["columns"]>[string];

/** What the values of one column look like. */
interface Profile {
  name: string;
  values: string[];
  empty: number;
  distinct: Set<string>;
  /** Share of non-empty values that read as numbers (either decimal mark). */
  numeric: number;
  /** Share of non-empty values that look like a date or a time. */
  dateLike: number;
  integers: boolean;
  min: number;
  max: number;
}

const isoDate = /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const slashDate = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{2}|\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const dotNumber = /^[-+]?(\d+|\d{1,3}(,\d{3})+)(\.\d+)?$/;
const commaNumber = /^[-+]?(\d+|\d{1,3}(\.\d{3})+)(,\d+)?$/;
const currencySymbols: [RegExp, string][] = [[/R\$/, "BRL"], [/£/, "GBP"], [/€/, "EUR"], [/US\$|\$/, "USD"], [/¥/, "JPY"]];
const moneyText = /^\s*(R\$|US\$|[$£€¥])?\s*-?\s*(R\$|US\$|[$£€¥])?\s*[\d.,]+\s*(R\$|[$£€¥])?\s*$/;

function profile(name: string, rows: readonly Readonly<Record<string, string>>[]): Profile {
  const values: string[] = [];
  let empty = 0;
  for (const row of rows) {
    const v = (row[name] ?? "").trim();
    if (v === "") empty++;
    else values.push(v);
  }
  let numbers = 0;
  let dates = 0;
  let integers = true;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    const n = toNumber(v);
    if (n !== undefined) {
      numbers++;
      if (!Number.isInteger(n)) integers = false;
      if (n < min) min = n;
      if (n > max) max = n;
    }
    if (isoDate.test(v) || slashDate.test(v)) dates++;
  }
  const share = (k: number) => (values.length ? k / values.length : 0);
  return {name, values, empty, distinct: new Set(values), numeric: share(numbers), dateLike: share(dates), integers: numbers > 0 && integers, min, max};
}

/** A number written with either decimal mark and an optional currency symbol; undefined otherwise. */
function toNumber(text: string): number | undefined {
  if (!moneyText.test(text)) return undefined;
  const v = text.replace(/R\$|US\$|[$£€¥\s]/g, "");
  if (dotNumber.test(v)) return Number(v.replaceAll(",", ""));
  if (commaNumber.test(v)) return Number(v.replaceAll(".", "").replace(",", "."));
  return undefined;
}

/** The first column whose name matches the first pattern that any column matches. */
function byName(columns: readonly Profile[], patterns: readonly RegExp[], accept: (p: Profile) => boolean = () => true): Profile | undefined {
  for (const pattern of patterns) {
    const found = columns.find((c) => pattern.test(c.name) && accept(c));
    if (found) return found;
  }
  return undefined;
}

const names = {
  // English first, then a few words of Portuguese, Spanish, French and German exports.
  orderId: [/^(order|invoice|transaction|pedido|factura|fatura|commande|facture|bestellung|rechnung)[ _-]?(id|no|nr|number|num|#|n[º°o]|nummer)?$/i, /(order|invoice|transaction).*(id|no|number)$/i, /^id$/i],
  customerId: [/^customer[ _-]?id$/i, /^(customer|client|contact|buyer|account|user|cliente|kunde|kunden)[ _-]?(id|no|number|nr|nummer)?$/i, /(customer|client|buyer).*id/i],
  orderedAt: [/purchase/i, /^(order|invoice|transaction)[ _-]?(date|time|timestamp|datetime)$/i, /^ordered|placed/i, /^(date|datetime|timestamp|data|fecha|datum)$/i, /created/i, /date|time/i],
  amount: [/^(amount|total|revenue|value|sales|gross|net|valor|importe|montant|betrag)$/i, /amount|total|revenue|value|sales/i],
  quantity: [/^(quantity|qty|units|count)$/i, /quantity|qty/i],
  unitPrice: [/^unit[ _-]?price$/i, /^(price|unit[ _-]?cost)$/i, /price/i],
  status: [/^(order[ _-]?)?status$/i, /status|state$|^(situa[çc][ãa]o|estado|statut)$/i],
  region: [/^(country|region)$/i, /country|region/i, /(^|_)state$|province/i],
  segment: [/^segment$/i, /segment|tier/i],
  channel: [/^(channel|source)$/i, /channel/i],
  currency: [/^currency([ _-]?code)?$/i, /currency/i],
  score: [/^(score|rating|stars|nps)$/i, /nps|recommend|score|rating|stars/i],
  ratedAt: [/answer|respon|submit|rated/i, /^(date|datetime|timestamp|data|fecha|datum)$/i, /created|date|time/i],
  comment: [/^(comment|message|text|feedback|review)$/i, /comment|message|feedback|body/i],
  title: [/title|subject|headline/i],
  reviewId: [/^(review|response|rating|survey)[ _-]?(id|no|number)$/i, /^id$/i, /(^|[ _-])id$/i],
  email: [/e-?mail/i],
  personId: [/unique|person|people|individual/i]
};

/** Order statuses rapport knows, lower case → the model's status. Others are left for the person to map. */
const statusWords: Record<string, "completed" | "cancelled" | "refunded"> = {
  ...Object.fromEntries(
    ["delivered", "shipped", "invoiced", "processing", "approved", "paid", "complete", "completed", "fulfilled", "closed", "success", "succeeded", "won", "done"].map((w) => [w, "completed"])
  ),
  ...Object.fromEntries(["canceled", "cancelled", "unavailable", "created", "failed", "void", "voided", "declined", "abandoned", "expired", "lost"].map((w) => [w, "cancelled"])),
  ...Object.fromEntries(["refunded", "returned", "refund", "chargeback", "charged_back"].map((w) => [w, "refunded"]))
};

/** A country or region's currency, for a customers' country column that names one country in most rows. */
const countryCurrency: Record<string, string> = {
  "united kingdom": "GBP", uk: "GBP", "great britain": "GBP", england: "GBP", "united states": "USD", usa: "USD", us: "USD", brazil: "BRL", brasil: "BRL",
  germany: "EUR", france: "EUR", spain: "EUR", italy: "EUR", netherlands: "EUR", ireland: "EUR", portugal: "EUR", belgium: "EUR", austria: "EUR", finland: "EUR",
  canada: "CAD", australia: "AUD", japan: "JPY", switzerland: "CHF", sweden: "SEK", norway: "NOK", denmark: "DKK", india: "INR", mexico: "MXN"
};
/** Brazil's 27 federative units: a state column holding only these is Brazil. */
const brazilStates = new Set("AC AL AP AM BA CE DF ES GO MA MT MS MG PA PB PR PE PI RJ RN RS RO RR SC SP SE TO".split(" "));

/** strptime formats for the non-ISO dates of a column, or undefined when they are ISO 8601 (or none). */
export function dateFormatsOf(values: readonly string[]): {formats?: string[]; note?: string} {
  const slash = values.map((v) => slashDate.exec(v)).filter((m): m is RegExpExecArray => m !== null);
  if (slash.length === 0) return {};
  let firstOver12 = false;
  let secondOver12 = false;
  const shapes = new Set<string>();
  let separator = "/";
  let longYear = true;
  for (const m of slash) {
    if (Number(m[1]) > 12) firstOver12 = true;
    if (Number(m[3]) > 12) secondOver12 = true;
    separator = m[2];
    longYear = m[4].length === 4;
    shapes.add(m[7] !== undefined ? " %H:%M:%S" : m[5] !== undefined ? " %H:%M" : "");
  }
  let note: string | undefined;
  let dayFirst: boolean;
  if (firstOver12 && secondOver12) return {note: "dates with a part above 12 in both first and second place: neither day-first nor month-first"};
  if (firstOver12) dayFirst = true;
  else if (secondOver12) dayFirst = false;
  else {
    dayFirst = true;
    note = "no day above 12 among the dates read: day-first assumed, check it";
  }
  const date = (dayFirst ? ["%d", "%m"] : ["%m", "%d"]).join(separator) + separator + (longYear ? "%Y" : "%y");
  const order = [" %H:%M:%S", " %H:%M", ""].filter((s) => shapes.has(s));
  return {formats: order.map((s) => date + s), note};
}

/** "," when the numbers of these columns are written 1.234,56 or 12,5, "." otherwise. */
export function decimalOf(values: readonly string[]): "." | "," {
  let comma = 0;
  let dot = 0;
  for (const raw of values) {
    const v = raw.replace(/R\$|US\$|[$£€¥\s]/g, "");
    if (/^[-+]?\d+,\d{1,2}$/.test(v) || /^[-+]?\d{1,3}(\.\d{3})+,\d+$/.test(v)) comma++;
    else if (/^[-+]?\d+\.\d+$/.test(v) || /^[-+]?\d{1,3}(,\d{3})+\.\d+$/.test(v)) dot++;
  }
  return comma > dot ? "," : ".";
}

/** Share of a's distinct values found among b's. */
function overlap(a: Profile, b: Profile): number {
  if (a.distinct.size === 0) return 0;
  let found = 0;
  for (const v of a.distinct) if (b.distinct.has(v)) found++;
  return found / a.distinct.size;
}

interface Draft {
  file: SampledFile;
  columns: Profile[];
  entry: FileConfig;
  kind?: "orders" | "customers" | "lookup" | "ratings" | "nps_responses";
  /** The orders' id column (orders files). */
  id?: Profile;
  /** The orders' customer column (orders files). */
  customer?: Profile;
}

/** Keys at least this share of whose values are found on the other side make a join. */
const joinOverlap = 0.9;

/** Guesses a config for the files; see the module's docblock. */
export function guessConfig(files: readonly SampledFile[]): Guess {
  const guessed: string[] = [];
  const unknown: string[] = [];
  const drafts: Draft[] = [];
  for (const file of files) {
    if (file.known) {
      guessed.push(`${file.name}: ${file.known}, read as it is (no entry needed)`);
      continue;
    }
    drafts.push({file, columns: file.columns.map((c) => profile(c, file.rows)), entry: {match: file.name, ...(file.encoding ? {encoding: file.encoding} : {})}});
  }
  const said = (d: Draft, text: string) => guessed.push(`${d.file.name}: ${text}`);
  const missing = (d: Draft, text: string) => unknown.push(`${d.file.name}: ${text}`);
  const dates = (d: Draft) => d.columns.filter((c) => c.values.length > 0 && c.dateLike >= 0.9);
  const numbers = (d: Draft) => d.columns.filter((c) => c.values.length > 0 && c.numeric >= 0.95);

  // 1. Scores: whole numbers within 0–10 in a column named like a score.
  for (const d of drafts) {
    const score = byName(d.columns, names.score, (c) => c.numeric >= 0.95 && c.integers && c.min >= 0 && c.max <= 10);
    if (!score) continue;
    const nps = /nps|recommend/i.test(score.name) || (score.min === 0 && score.max > 7);
    if (nps) {
      d.kind = "nps_responses";
      d.entry.entity = "nps_responses";
      said(d, `NPS responses (${score.name} holds ${score.min}–${score.max})`);
    } else {
      const high = score.max <= 5 ? 5 : score.max <= 7 ? 7 : 10;
      const low = score.min === 0 ? 0 : 1;
      d.kind = "ratings";
      d.entry.entity = "ratings";
      d.entry.scale = [low, high];
      said(d, `ratings on a ${low}–${high} scale (${score.name} holds ${score.min}–${score.max}; not NPS)`);
    }
    d.entry.columns = {score: score.name};
  }

  // 2. Orders: a time and money (an amount, or quantity and unit price), or an order id with a time.
  for (const d of drafts.filter((d) => !d.kind)) {
    const when = byName(dates(d), names.orderedAt);
    const id = byName(d.columns, names.orderId, (c) => c.values.length > 0 && !names.customerId.some((p) => p.test(c.name)));
    const money = byName(numbers(d), names.amount) ?? byName(numbers(d), names.unitPrice);
    if (!when || !id || !(money || /order|invoice|transaction/i.test(id.name))) continue;
    d.kind = "orders";
    d.entry.entity = "orders";
    d.id = id;
    d.entry.columns = {id: id.name, ordered_at: when.name};
    said(d, `orders: id ← ${id.name}, ordered_at ← ${when.name}`);
  }
  const orders = drafts.filter((d) => d.kind === "orders");

  // 3. Per orders file: customer, amount or lines, returns, guests, status, attributes.
  for (const d of orders) {
    const columns = d.entry.columns!;
    const customer = byName(d.columns, names.customerId, (c) => c !== d.id);
    if (customer) {
      d.customer = customer;
      columns.customer_id = customer.name;
    } else missing(d, `no customer column found: map "customer_id" in its "columns"`);
    const quantity = byName(numbers(d), names.quantity);
    const unitPrice = byName(numbers(d), names.unitPrice, (c) => c !== quantity);
    const amount = byName(numbers(d), names.amount, (c) => c !== unitPrice && c !== quantity);
    const repeats = d.id!.distinct.size < d.id!.values.length;
    if (repeats) {
      if (quantity && unitPrice) {
        d.entry.lines = {quantity: quantity.name, unitPrice: unitPrice.name};
        said(d, `order lines: ${d.id!.name} repeats (${d.id!.values.length} lines, ${d.id!.distinct.size} orders among the rows read); amount = ${quantity.name} × ${unitPrice.name}`);
      } else if (amount) {
        d.entry.lines = {};
        columns.amount = amount.name;
        said(d, `order lines: ${d.id!.name} repeats; amount = the sum of ${amount.name}`);
      } else missing(d, `${d.id!.name} repeats (order lines) but no amount, or quantity and unit price, was found: write "lines" and map "amount"`);
    } else if (amount) {
      columns.amount = amount.name;
      said(d, `amount ← ${amount.name}`);
    }
    // Credit notes: ids with a letter prefix whose lines are negative.
    const signed = d.entry.lines?.quantity ? quantity : amount;
    if (signed) {
      const negatives = d.file.rows.filter((r) => (toNumber((r[signed.name] ?? "").trim()) ?? 0) < 0);
      const prefixes = new Map<string, {all: number; negative: number}>();
      for (const r of d.file.rows) {
        const m = /^([A-Za-z]+)\d/.exec((r[d.id!.name] ?? "").trim());
        if (!m) continue;
        const p = prefixes.get(m[1]) ?? {all: 0, negative: 0};
        p.all++;
        if ((toNumber((r[signed.name] ?? "").trim()) ?? 0) < 0) p.negative++;
        prefixes.set(m[1], p);
      }
      const credit = [...prefixes].filter(([, p]) => p.negative / p.all >= 0.9).map(([prefix]) => prefix);
      if (credit.length || negatives.length) {
        d.entry.returns = {};
        if (credit.length) d.entry.returns.idPattern = credit.length === 1 ? `^${credit[0]}` : `^(${credit.join("|")})`;
        if (negatives.length) d.entry.returns.negative = true;
        said(
          d,
          `returns: ` +
            [credit.length ? `ids starting ${credit.join(" or ")} go with negative ${signed.name} (credit notes)` : "", negatives.length ? `${negatives.length} rows read have a negative ${signed.name}` : ""]
              .filter(Boolean)
              .join("; ")
        );
      }
    }
    if (customer && customer.empty > 0) {
      d.entry.guests = "allow";
      said(d, `guest orders allowed: ${customer.name} is empty on ${customer.empty} of ${d.file.rows.length} rows read`);
    }
    const status = byName(d.columns, names.status, (c) => c !== customer && c.numeric < 0.5 && c.distinct.size <= 30 && !names.region.slice(0, 2).some((p) => p.test(c.name)));
    if (status) {
      const values: Record<string, string> = {};
      const left: string[] = [];
      for (const v of [...status.distinct].sort()) {
        const word = statusWords[v.toLowerCase()];
        if (word) values[v.toLowerCase()] = word;
        else left.push(v);
      }
      columns.status = {column: status.name, values};
      said(d, `status ← ${status.name}: ${Object.entries(values).map(([k, v]) => `${k} → ${v}`).join(", ")}`);
      if (left.length) missing(d, `status values not known: ${left.join(", ")}; map each to completed, cancelled or refunded under columns.status.values`);
    }
    for (const field of ["region", "segment", "channel"] as const) {
      const c = byName(d.columns, names[field], (c) => c !== status && c !== customer && c.numeric < 0.5);
      if (c) (columns[field] = c.name), said(d, `${field} ← ${c.name}`);
    }
    const currency = byName(d.columns, names.currency, (c) => [...c.distinct].every((v) => /^[A-Za-z]{3}$/.test(v)));
    if (currency) (columns.currency = currency.name), said(d, `currency ← ${currency.name}`);
  }

  // 4. Customers: a file holding the orders' customer ids (a people file when a second id names the person).
  for (const o of orders) {
    if (!o.customer) continue;
    for (const d of drafts.filter((d) => !d.kind || d.kind === "customers")) {
      const key = d.columns.find((c) => c.values.length > 0 && overlap(o.customer!, c) >= joinOverlap);
      if (!key) continue;
      const person = byName(d.columns, names.personId, (c) => c !== key && c.values.length > 0 && c.distinct.size < key.distinct.size);
      d.kind = "customers";
      d.entry.entity = "customers";
      const columns: Record<string, Mapping> = {id: (person ?? key).name};
      d.entry.columns = columns;
      if (person) {
        d.entry.name = "people";
        o.entry.columns!.customer_id = {from: "people", on: key.name === o.customer.name ? key.name : {[o.customer.name]: key.name}, value: person.name};
        said(o, `customer_id ← ${person.name} of ${d.file.name} through ${o.customer.name} (${o.customer.distinct.size} ${o.customer.name} read, ${person.distinct.size} ${person.name}: one person, several ids)`);
        said(d, `customers ("people"): id ← ${person.name}`);
      } else said(d, `customers: id ← ${key.name} (holds ${o.file.name}'s ${o.customer.name})`);
      for (const field of ["region", "segment", "channel"] as const) {
        const c = byName(d.columns, names[field], (c) => c !== key && c !== person && c.numeric < 0.5);
        if (c) (columns[field] = c.name), said(d, `${field} ← ${c.name}`);
      }
      const email = byName(d.columns, names.email);
      if (email) columns.email = email.name;
    }
  }

  // 5. Lookups: a key holding an orders file's ids, money, no time: summed per order into its amount.
  for (const o of orders) {
    if (o.entry.columns!.amount !== undefined || o.entry.lines) continue;
    for (const d of drafts.filter((d) => !d.kind)) {
      const key = d.columns.find((c) => c.values.length > 0 && overlap(c, o.id!) >= joinOverlap);
      const money = byName(numbers(d), names.amount, (c) => c !== key);
      if (!key || !money) continue;
      d.kind = "lookup";
      d.entry.name = uniqueName(d.file.name, drafts);
      d.entry.role = "lookup";
      o.entry.columns!.amount = {from: d.entry.name, on: key.name === o.id!.name ? key.name : {[o.id!.name]: key.name}, sum: money.name};
      said(o, `amount ← the sum of ${money.name} in ${d.file.name} per ${key.name}${key.distinct.size < key.values.length ? ` (${key.values.length} rows for ${key.distinct.size} orders read)` : ""}`);
      break;
    }
    if (o.entry.columns!.amount === undefined) missing(o, `no amount found, in the file or a file keyed by ${o.id!.name}: map "amount"`);
  }

  // 6. Scores: ids, time, comment; the customer directly or through an order.
  for (const d of drafts.filter((d) => d.kind === "ratings" || d.kind === "nps_responses")) {
    const columns = d.entry.columns!;
    const when = byName(dates(d), names.ratedAt);
    const timeField = d.kind === "ratings" ? "rated_at" : "responded_at";
    if (when) columns[timeField] = when.name;
    else missing(d, `no date column found: map "${timeField}"`);
    let order: {o: Draft; key: Profile} | undefined;
    for (const o of orders) {
      const key = d.columns.find((c) => c.values.length > 0 && overlap(c, o.id!) >= joinOverlap);
      if (key) order = {o, key};
    }
    const id = byName(d.columns, names.reviewId, (c) => c !== order?.key && !names.customerId.some((p) => p.test(c.name)) && c.values.length > 0 && c.distinct.size === c.values.length);
    if (id) columns.id = id.name;
    else missing(d, `no id column found (one value per row): map "id"`);
    if (order && d.kind === "ratings") columns.order_id = order.key.name;
    const customer = byName(d.columns, names.customerId, (c) => c !== order?.key);
    if (customer) columns.customer_id = customer.name;
    else if (order) {
      columns.customer_id = {from: "orders", on: {[order.key.name]: "id"}, value: "customer_id"};
      said(d, `customer_id ← the customer of the order in ${order.key.name} (${order.o.file.name})`);
    } else missing(d, `no customer column, nor a column of order ids: map "customer_id"`);
    const comment = byName(d.columns, names.comment, (c) => c.numeric < 0.5 && !names.title.some((p) => p.test(c.name)));
    const title = byName(d.columns, names.title, (c) => c !== comment && c.numeric < 0.5);
    if (comment && title) {
      const trimmed = (c: string) => `nullif(trim("${c.replaceAll('"', '""')}", ' ' || chr(9) || chr(10) || chr(13)), '')`;
      columns.comment = {sql: `concat_ws(' — ', ${trimmed(title.name)}, ${trimmed(comment.name)})`};
      said(d, `comment ← ${title.name} — ${comment.name}`);
    } else if (comment) columns.comment = comment.name;
    said(d, `${id ? `id ← ${id.name}, ` : ""}${when ? `${timeField} ← ${when.name}` : ""}`);
  }

  // 7. Dates and decimals of every mapped file; what is left unread.
  for (const d of drafts) {
    if (!d.kind) {
      missing(d, `could not tell what it holds (columns: ${d.file.columns.slice(0, 8).join(", ")}): give it an "entity" and "columns", or leave it out`);
      continue;
    }
    const used = new Set<string>();
    for (const m of Object.values(d.entry.columns ?? {})) if (typeof m === "string") used.add(m);
    if (d.entry.lines?.quantity) used.add(d.entry.lines.quantity), used.add(d.entry.lines.unitPrice!);
    const formats = new Set<string>();
    for (const c of d.columns.filter((c) => used.has(c.name) && c.dateLike >= 0.9)) {
      const {formats: f, note} = dateFormatsOf(c.values);
      for (const x of f ?? []) formats.add(x);
      if (f) said(d, `dates in ${c.name} read as ${f.join(" or ")} (e.g. ${c.values[0]})`);
      if (note) missing(d, `${c.name}: ${note}`);
    }
    if (formats.size) d.entry.dateFormats = [...formats];
    const decimal = decimalOf(d.columns.filter((c) => c.numeric >= 0.95 && c.dateLike < 0.5).flatMap((c) => c.values));
    if (decimal === ",") (d.entry.decimal = ","), said(d, `decimal comma (numbers like ${d.columns.find((c) => c.numeric >= 0.95 && c.values.some((v) => v.includes(",")))?.values.find((v) => v.includes(","))})`);
  }

  // 8. Currency: a column (mapped above), a symbol on amounts, or the one country of the customers.
  let currency: string | undefined;
  if (!orders.some((o) => o.entry.columns!.currency !== undefined)) {
    const found = currencyOf(drafts);
    if (found) (currency = found.code), guessed.push(`currency ${found.code}: ${found.why}`);
    else if (orders.length) unknown.push(`the currency (no currency column, symbol or country seen): write "currency": "GBP" (its ISO code) at the top`);
  }
  const entries = drafts.filter((d) => d.kind).sort((a, b) => rank(a) - rank(b)).map((d) => tidy(d.entry));
  const config: Guess["config"] = currency ? {currency, files: entries} : {files: entries};
  return {config, guessed, unknown};
}

/** Customers and lookups first, then orders, then scores: the order a person reads a data set in. */
function rank(d: Draft): number {
  return ["customers", "lookup", "orders", "nps_responses", "ratings"].indexOf(d.kind!);
}

/** The entry's keys in the order the README documents them. */
function tidy(entry: FileConfig): FileConfig {
  const order = ["match", "name", "role", "entity", "scale", "columns", "lines", "returns", "guests", "dateFormats", "decimal", "encoding"] as const;
  return Object.fromEntries(order.filter((k) => entry[k] !== undefined).map((k) => [k, entry[k]])) as FileConfig;
}

/** A join name from a file's name: letters, digits and _, not an entity's name, unique. */
function uniqueName(file: string, drafts: readonly Draft[]): string {
  const stem = file.replace(/\.[^.]+$/, "").toLowerCase();
  const words = stem.split(/[^a-z0-9]+/).filter((w) => w && !["dataset", "data", "export", "olist", "order", "orders"].includes(w));
  let name = words.join("_") || "lookup";
  if (/^[0-9]/.test(name)) name = `f_${name}`;
  if (["customers", "orders", "nps_responses", "ratings", "tickets", "subscriptions", "people"].includes(name)) name += "_file";
  const taken = new Set(drafts.map((d) => d.entry.name).filter(Boolean));
  let unique = name;
  for (let i = 2; taken.has(unique); i++) unique = `${name}_${i}`;
  return unique;
}

function currencyOf(drafts: readonly Draft[]): {code: string; why: string} | undefined {
  for (const d of drafts) {
    for (const c of d.columns.filter((c) => c.numeric >= 0.95)) {
      for (const [symbol, code] of currencySymbols) {
        const v = c.values.find((v) => symbol.test(v));
        if (v) return {code, why: `amounts written like ${v} in ${d.file.name}`};
      }
    }
  }
  for (const d of drafts) {
    const region = Object.values(d.entry.columns ?? {}).find((m): m is string => typeof m === "string" && names.region.some((p) => p.test(m)));
    const c = d.columns.find((c) => c.name === region);
    if (!c || c.values.length === 0) continue;
    const counts = new Map<string, number>();
    for (const v of c.values) counts.set(v.toLowerCase(), (counts.get(v.toLowerCase()) ?? 0) + 1);
    const [top, n] = [...counts].sort((a, b) => b[1] - a[1])[0];
    if (countryCurrency[top] && n / c.values.length >= 0.5) return {code: countryCurrency[top], why: `${Math.round((100 * n) / c.values.length)}% of ${d.file.name}'s ${c.name} is ${c.values.find((v) => v.toLowerCase() === top)}`};
    if ([...c.distinct].every((v) => brazilStates.has(v.toUpperCase()))) return {code: "BRL", why: `${d.file.name}'s ${c.name} holds Brazilian states (${[...c.distinct].slice(0, 4).join(", ")}, …)`};
  }
  return undefined;
}

/** The config as a file: two-space JSON, with objects and arrays that fit on a line kept on one. */
export function configText(config: Guess["config"]): string {
  return format(config satisfies Partial<RapportConfig>, "") + "\n";
}

function format(value: unknown, indent: string): string {
  const flat = inline(value);
  if (value === null || typeof value !== "object" || flat.length + indent.length <= 100) return flat;
  const inner = indent + "  ";
  if (Array.isArray(value)) return `[\n${value.map((v) => inner + format(v, inner)).join(",\n")}\n${indent}]`;
  return `{\n${Object.entries(value).map(([k, v]) => `${inner}${JSON.stringify(k)}: ${format(v, inner)}`).join(",\n")}\n${indent}}`;
}

/** JSON on one line with a space after each comma and colon between items (not inside strings). */
function inline(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(inline).join(", ")}]`;
  return `{${Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => `${JSON.stringify(k)}: ${inline(v)}`).join(", ")}}`;
}
