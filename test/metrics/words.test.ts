import {describe, expect, it} from "vitest";
import {computeMetric} from "../../src/metrics/registry.js";
import {createTableSql} from "../../src/ingest/sql.js";
import {distinguishingWords, terms, type WordScore} from "../../src/metrics/sentiment.js";
import {loadOrder} from "../../src/schema/model.js";
import {withDuckDB} from "../../src/warehouse/duckdb.js";

describe("distinguishing words", () => {
  it("terms(text) keeps negations as phrases, so 'not helpful' never counts as 'helpful'", () => {
    expect(terms("The support was not very helpful")).toEqual(["support", "not helpful"]);
    expect(terms("Not helpful support, slow delivery")).toEqual(["not helpful", "support", "slow", "delivery", "slow delivery"]);
    expect(terms("Produto não chegou")).toEqual(["produto", "não chegou"]);
    expect(terms("Die Lieferung war nicht pünktlich")).toEqual(["lieferung", "nicht pünktlich"]);
    expect(terms("Très déçu, pas rapide")).toEqual(["déçu", "pas rapide"]); // the old ASCII tokeniser read "tr"
  });

  it("distinguishingWords(d, p, {background}) is the weighted log-odds z with a prior from the background, not from the data", () => {
    const D = [{text: "Not helpful support, slow delivery", n: 2}, {text: "slow app", n: 3}, {text: "support never answered", n: 1}];
    const P = [{text: "helpful support", n: 3}, {text: "fast delivery", n: 2}, {text: "great app", n: 2}];
    const B = [{text: "support was ok", n: 2}, {text: "delivery took a while", n: 1}, {text: "app works", n: 1}];
    // Reference: python3 with the terms above written out by hand, n_D = n_P = 21, n_B = 14, V = 22, alpha_w = b_w + 1,
    // delta = log((y_D + a)/(n_D + a0 − y_D − a)) − log((y_P + a)/(n_P + a0 − y_P − a)), z = delta / sqrt(1/(y_D + a) + 1/(y_P + a)).
    const z = (list: WordScore[]) => Object.fromEntries(list.map((w) => [w.word, w.z]));
    const {detractors, promoters} = distinguishingWords(D, P, {background: B, minCount: 2});
    expect(z(detractors)).toEqual({
      slow: expect.closeTo(1.745435234928046, 12),
      "slow app": expect.closeTo(1.2891863331583835, 12),
      "slow delivery": expect.closeTo(0.9829214546241168, 12),
      "not helpful": expect.closeTo(0.9829214546241168, 12),
      app: expect.closeTo(0.36103813885495184, 12)
    });
    // "helpful" (0/3) and "fast" (0/2) are written only inside "helpful support" and "fast delivery": one entry each.
    expect(z(promoters)).toEqual({"helpful support": expect.closeTo(-1.2891863331583835, 12), "fast delivery": expect.closeTo(-0.9829214546241168, 12), "great app": expect.closeTo(-0.9829214546241168, 12)});
  });

  it("rapport metrics emotion counts a repeated comment once per customer", async () => {
    const words = await withDuckDB(async (db) => {
      for (const entity of loadOrder) await db.run(createTableSql(entity));
      const rows: string[] = [];
      // c1 pastes the same complaint 40 times; c2–c4 praise once each; c5 is a passive (the background).
      for (let i = 0; i < 40; i++) rows.push(`('r${i}', 'c1', TIMESTAMP '2026-01-0${1 + (i % 9)} 10:00', 2, 'Terrible support, never again')`);
      for (const c of ["c2", "c3", "c4"]) rows.push(`('p${c}', '${c}', TIMESTAMP '2026-01-05 10:00', 10, 'Great support')`);
      rows.push(`('m1', 'c5', TIMESTAMP '2026-01-05 10:00', 8, 'Support was fine')`);
      await db.run(`INSERT INTO nps_responses (id, customer_id, responded_at, score, comment) VALUES ${rows.join(", ")}`);
      return ((await computeMetric(db, "emotion", {period: "month"})) as {words: {detractors: WordScore[]; promoters: WordScore[]}}).words;
    });
    const terrible = [...words.detractors, ...words.promoters].find((w) => w.word.includes("terrible"));
    expect(terrible).toBeUndefined(); // 1 customer: below the minimum of 3, where the old count said 40
    expect(words.promoters.find((w) => w.word.includes("great"))).toMatchObject({promoterCount: 3, detractorCount: 0});
  });
});
