/**
 * CSV cells that a spreadsheet will not run: a text cell starting with
 * `=`, `+`, `-`, `@`, a tab or a carriage return is read by Excel, LibreOffice
 * and Google Sheets as a formula (`=HYPERLINK(...)`, `+cmd|' /C calc'!A0`,
 * `@SUM(1)`), so it gets a leading single quote, which makes it text. This is
 * OWASP's advice ("CSV Injection", owasp.org/www-community/attacks/CSV_Injection).
 * Numbers stay numbers: a number value, or text that is just a number (say
 * "-12.5"), is left alone, since no spreadsheet runs it. Every CSV the site
 * writes (chart downloads, the Explore notebook's results) goes through this.
 */
const formula = /^[=+\-@\t\r]/;
const plainNumber = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The value to write in a CSV cell: text that a spreadsheet would read as a formula is quoted with a leading '. */
export function csvSafe<T>(value: T): T | string {
  if (typeof value !== "string" || !formula.test(value) || plainNumber.test(value)) return value;
  return `'${value}`;
}
