/**
 * The differencing attack on published tables: every published total minus
 * the published parts that add up to it (the groups of a period, the months
 * of a quarter). A remainder of more than zero and fewer than minGroup people
 * describes a group the site meant to withhold.
 */

/** A published row reduced to what the attack needs: its line coordinates and its size, null when not published. */
export interface Cell {
  table: string;
  granularity: string;
  by: string;
  group: string;
  /** The period's first day, YYYY-MM-DD. */
  period: string;
  size: number | null | undefined;
}

export interface Leak {
  table: string;
  line: string;
  total: number;
  shown: number;
  remainder: number;
}

const quarterOf = (day: string) => `${day.slice(0, 4)}-${String(Math.floor((Number(day.slice(5, 7)) - 1) / 3) * 3 + 1).padStart(2, "0")}-01`;

export function differences(cells: readonly Cell[], minGroup: number, {months = true} = {}): Leak[] {
  const leaks: Leak[] = [];
  const lines = new Map<string, {total?: number | null; parts: (number | null | undefined)[]}>();
  const line = (key: string) => lines.get(key) ?? (lines.set(key, {parts: []}), lines.get(key)!);
  const totals = new Map<string, Cell>();
  for (const c of cells) if (c.by === "all") totals.set(`${c.table}|${c.granularity}|${c.period}`, c);
  for (const c of cells) {
    if (c.by !== "all") {
      const l = line(`${c.table}|groups|${c.granularity}|${c.by}|${c.period}`);
      l.total = totals.get(`${c.table}|${c.granularity}|${c.period}`)?.size;
      l.parts.push(c.size);
    }
    if (months && c.granularity === "month") line(`${c.table}|months|${c.by}|${c.group}|${quarterOf(c.period)}`).parts.push(c.size);
  }
  if (months) for (const c of cells) if (c.granularity === "quarter" && lines.has(`${c.table}|months|${c.by}|${c.group}|${c.period}`)) lines.get(`${c.table}|months|${c.by}|${c.group}|${c.period}`)!.total = c.size;
  for (const [key, {total, parts}] of lines) {
    if (total == null) continue;
    const shown = parts.reduce<number>((s, p) => s + (p ?? 0), 0);
    const remainder = total - shown;
    if (remainder > 0 && remainder < minGroup) leaks.push({table: key.split("|")[0], line: key, total, shown, remainder});
  }
  return leaks;
}
