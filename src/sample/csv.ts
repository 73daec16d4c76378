/** RFC 4180 CSV: a header from the first row's keys, fields quoted only when they must be. */
export function formatCsv(rows: readonly Record<string, string | number | null | undefined>[]): string {
  if (rows.length === 0) return "";
  const columns = Object.keys(rows[0]);
  const lines = [columns.map(csvField).join(",")];
  for (const row of rows) lines.push(columns.map((c) => csvField(row[c])).join(","));
  return lines.join("\n") + "\n";
}

/** One field, quoted only when it holds a quote, comma or line break, or starts or ends with spaces. */
export function csvField(value: string | number | null | undefined): string {
  const s = value == null ? "" : String(value);
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replaceAll('"', '""')}"` : s;
}
