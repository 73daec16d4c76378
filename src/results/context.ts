/**
 * What every published table is computed from: the warehouse (opened once, read-only), the configuration
 * the data loaders read (rapport.config.json, beside RAPPORT_DATA first), and a memo shared by the tables
 * computed in one process, so what two tables need (a metric of the registry, a CLV fit, a suppression
 * pattern) is computed once per refresh.
 */
import type {RapportConfig} from "../config.js";
import {computeMetric, type MetricName, type MetricOptions} from "../metrics/registry.js";
import type {Database} from "../warehouse/duckdb.js";

export interface ResultContext {
  db: Database;
  config: RapportConfig;
  /**
   * computeMetric(db, name, options), computed once per name and options in the refresh (a value of shared: in either
   * lane, on the connection of the lane that asks first), sharing its parts (the CLV fits, each customer's periods)
   * through that lane's once.
   */
  metric(name: MetricName, options: MetricOptions): Promise<unknown>;
  /** Where a table tells what it computed (a line on stderr for a data loader; quiet in a build unless --verbose). */
  log(line: string): void;
  /** f(), computed once per key (keys name what they compute, with every input that changes it). */
  once<T>(key: string, f: () => Promise<T>): Promise<T>;
  /**
   * f(), computed once per key across the contexts of one refresh (computeResults' two lanes, each on a DuckDB
   * connection of its own), on the connection of the context that asks first. For values only (rows, a
   * suppression pattern): never for temporary tables, which belong to the connection that made them.
   */
  shared<T>(key: string, f: () => Promise<T>): Promise<T>;
  /** Removes once's keys that start with prefix: what they computed is computed again when next asked (its table was dropped). */
  forget(prefix: string): void;
}

/** A published table: its bytes, as its data loader writes them. */
export type PublishedTable = (context: ResultContext) => Promise<string | Uint8Array>;

/** A memo the contexts of one refresh share (ResultContext.shared). */
export type SharedMemo = Map<string, Promise<unknown>>;

function memoIn(memo: Map<string, Promise<unknown>>) {
  return <T>(key: string, f: () => Promise<T>): Promise<T> => {
    let value = memo.get(key) as Promise<T> | undefined;
    if (!value) memo.set(key, (value = f()));
    return value;
  };
}

export function resultContext(db: Database, config: RapportConfig, log: (line: string) => void = (line) => console.error(line), shared: SharedMemo = new Map()): ResultContext {
  const memo = new Map<string, Promise<unknown>>();
  const once = memoIn(memo);
  const refresh = memoIn(shared);
  return {
    db,
    config,
    log,
    once,
    shared: refresh,
    forget: (prefix) => {
      for (const key of [...memo.keys()]) if (key.startsWith(prefix)) memo.delete(key);
    },
    metric: (name, options) => refresh(`metric ${name} ${JSON.stringify(options, Object.keys(options).sort())}`, () => computeMetric(db, name, options, once))
  };
}
