/**
 * Reads the zod model into flat column specs that SQL builders use: the
 * DuckDB type, whether a value is required, bounds, accepted values and the
 * personal-data flag. One switch over zod's types; anything else is a bug in
 * the model, reported as such.
 */
import {z} from "zod";
import {entities, type Entity} from "./model.js";

export type ColumnKind = "string" | "timestamp" | "number" | "integer" | "enum";

export interface ColumnSpec {
  name: string;
  kind: ColumnKind;
  duckdbType: "VARCHAR" | "TIMESTAMP" | "DOUBLE" | "INTEGER";
  required: boolean;
  min?: number;
  max?: number;
  values?: readonly string[];
  personal: boolean;
}

const cache = new Map<Entity, ColumnSpec[]>();

export function columnsOf(entity: Entity): ColumnSpec[] {
  let specs = cache.get(entity);
  if (!specs) cache.set(entity, (specs = Object.entries(entities[entity].shape).map(([name, schema]) => spec(name, schema as z.ZodType))));
  return specs;
}

function spec(name: string, schema: z.ZodType): ColumnSpec {
  const required = !(schema instanceof z.ZodOptional);
  const inner = (schema instanceof z.ZodOptional ? schema.unwrap() : schema) as z.ZodType;
  const personal = Boolean((schema.meta() as {personal?: boolean} | undefined)?.personal ?? (inner.meta() as {personal?: boolean} | undefined)?.personal);
  const base = {name, required, personal};
  if (inner instanceof z.ZodString) return {...base, kind: "string", duckdbType: "VARCHAR"};
  if (inner instanceof z.ZodDate) return {...base, kind: "timestamp", duckdbType: "TIMESTAMP"};
  if (inner instanceof z.ZodEnum) return {...base, kind: "enum", duckdbType: "VARCHAR", values: inner.options as string[]};
  if (inner instanceof z.ZodNumber) {
    const bounds = {
      ...(Number.isFinite(inner.minValue) && inner.minValue !== Number.MIN_SAFE_INTEGER ? {min: inner.minValue!} : {}),
      ...(Number.isFinite(inner.maxValue) && inner.maxValue !== Number.MAX_SAFE_INTEGER ? {max: inner.maxValue!} : {})
    };
    return inner.isInt ? {...base, kind: "integer", duckdbType: "INTEGER", ...bounds} : {...base, kind: "number", duckdbType: "DOUBLE", ...bounds};
  }
  throw new Error(`model field ${name}: unsupported zod type ${inner.constructor.name}`);
}
