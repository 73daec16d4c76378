import {describe, expect, it} from "vitest";
import {joinedSql, joinProblemsSql, joinsOf} from "../../src/ingest/joins.js";

// Golden SQL of the two builders a joined file goes through (behaviour is tested in joins.test.ts).
const rule = {
  entity: "orders" as const,
  title: "orders",
  columns: {id: {column: "order_id"}, amount: {from: "payments", on: "order_id", sum: "payment_value"}, customer_id: {from: "people", on: {customer_id: "cid"}, value: "person"}}
};
const sides = new Map([
  ["payments", {relation: `"_named_payments"`, decimal: "," as const, describe: "payments.csv"}],
  ["people", {relation: `"_named_people"`, decimal: "." as const, describe: "people.csv"}]
]);

describe("joins SQL", () => {
  it("joinsOf(rule) lists each joined field with its keys on both sides", () => {
    expect(joinsOf(rule).map(({field, from, here, there, kind, column, alias}) => ({field, from, here, there, kind, column, alias}))).toEqual([
      {field: "amount", from: "payments", here: "order_id", there: "order_id", kind: "sum", column: "payment_value", alias: "__join_1"},
      {field: "customer_id", from: "people", here: "customer_id", there: "cid", kind: "value", column: "person", alias: "__join_2"}
    ]);
  });

  it("joinedSql() joins one aggregate per key, so a record never multiplies", () => {
    expect(joinedSql("raw", joinsOf(rule), sides, ".")).toMatchInlineSnapshot(`
      "CREATE OR REPLACE TEMP TABLE joined AS SELECT r.*, j0.v::VARCHAR AS "__join_1", j0.k IS NOT NULL AS "__join_1_found", j0.n AS "__join_1_n", j0.bad AS "__join_1_bad", j0.bad_line AS "__join_1_bad_line", j0.bad_value AS "__join_1_bad_value", nullif(trim(r."order_id"::VARCHAR), '') AS "__join_1_key", j1.v::VARCHAR AS "__join_2", j1.k IS NOT NULL AS "__join_2_found", j1.n AS "__join_2_n", j1.bad AS "__join_2_bad", j1.bad_line AS "__join_2_bad_line", j1.bad_value AS "__join_2_bad_value", nullif(trim(r."customer_id"::VARCHAR), '') AS "__join_2_key" FROM raw r LEFT JOIN (SELECT nullif(trim("order_id"::VARCHAR), '') AS k, sum(__number) AS v, count(*) FILTER (WHERE __number IS NULL) AS bad, min(_line) FILTER (WHERE __number IS NULL) AS bad_line,
                   arg_min(nullif(trim("payment_value"::VARCHAR), ''), _line) FILTER (WHERE __number IS NULL) AS bad_value, 1 AS n FROM (SELECT *, try_cast(replace(replace(regexp_replace(regexp_replace(nullif(trim("payment_value"::VARCHAR), ''), '[$€£¥₹\\s\\x{00a0}]|^[A-Za-z]{3}\\s*|\\s*[A-Za-z]{3}$', '', 'g'), '^\\((.*)\\)$', '-\\1'), '.', ''), ',', '.') AS DOUBLE) AS __number FROM "_named_payments") WHERE nullif(trim("order_id"::VARCHAR), '') IS NOT NULL GROUP BY k) j0 ON j0.k = nullif(trim(r."order_id"::VARCHAR), '') LEFT JOIN (SELECT nullif(trim("cid"::VARCHAR), '') AS k, min(nullif(trim("person"::VARCHAR), '')) AS v, 0 AS bad, NULL::BIGINT AS bad_line, NULL::VARCHAR AS bad_value, CASE WHEN min(nullif(trim("person"::VARCHAR), '')) IS NULL THEN 0 WHEN min(nullif(trim("person"::VARCHAR), '')) = max(nullif(trim("person"::VARCHAR), '')) THEN 1 ELSE 2 END AS n FROM "_named_people" WHERE nullif(trim("cid"::VARCHAR), '') IS NOT NULL GROUP BY k) j1 ON j1.k = nullif(trim(r."customer_id"::VARCHAR), '')"
    `);
  });

  it("joinProblemsSql() rebuilds staged in one pass, replacing only the problems a failed join caused", () => {
    expect(joinProblemsSql("staged", joinsOf(rule), sides).join(";\n")).toMatchInlineSnapshot(`
      "CREATE OR REPLACE TEMP TABLE staged_joined AS SELECT s.* REPLACE (CASE WHEN (s.problem IS NULL OR (s.problem.column = 'amount' AND s.problem.value IS NULL)) AND j."__join_1_key" IS NULL THEN {'column': 'order_id', 'value': left(NULL::VARCHAR, 200), 'reason': 'missing order_id, the key to amount in payments.csv'}
          WHEN (s.problem IS NULL OR (s.problem.column = 'amount' AND s.problem.value IS NULL)) AND NOT j."__join_1_found" THEN {'column': 'order_id', 'value': left(j."__join_1_key", 200), 'reason': 'order_id not found in payments.csv, so no amount'}
          WHEN (s.problem IS NULL OR (s.problem.column = 'amount' AND s.problem.value IS NULL)) AND j."__join_1_bad" > 0 THEN {'column': 'amount', 'value': left(j."__join_1_bad_value", 200), 'reason': 'payment_value is not a number in payments.csv line ' || j."__join_1_bad_line" || ', so amount cannot be added up'}
          WHEN (s.problem IS NULL OR (s.problem.column = 'customer_id' AND s.problem.value IS NULL)) AND j."__join_2_key" IS NULL THEN {'column': 'customer_id', 'value': left(NULL::VARCHAR, 200), 'reason': 'missing customer_id, the key to customer_id in people.csv'}
          WHEN (s.problem IS NULL OR (s.problem.column = 'customer_id' AND s.problem.value IS NULL)) AND NOT j."__join_2_found" THEN {'column': 'customer_id', 'value': left(j."__join_2_key", 200), 'reason': 'customer_id not found in people.csv, so no customer_id'}
          WHEN (s.problem IS NULL OR (s.problem.column = 'customer_id' AND s.problem.value IS NULL)) AND j."__join_2_n" = 0 THEN {'column': 'customer_id', 'value': left(j."__join_2_key", 200), 'reason': 'person is empty for this customer_id in people.csv'}
          WHEN (s.problem IS NULL OR (s.problem.column = 'customer_id' AND s.problem.value IS NULL)) AND j."__join_2_n" > 1 THEN {'column': 'customer_id', 'value': left(j."__join_2_key", 200), 'reason': 'different person for this customer_id in people.csv'} ELSE s.problem END AS problem), j."__join_1_key", j."__join_2_key"
      FROM staged s JOIN joined j ON s._line = j._line;
      DROP TABLE staged; ALTER TABLE staged_joined RENAME TO staged"
    `);
  });
});
