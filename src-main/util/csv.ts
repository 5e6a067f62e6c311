// CSV cells and rows, safe to open in a spreadsheet. Text a spreadsheet would run as a formula
// (a cell starting with = + - @, a tab or a CR, after any spaces) is kept as text with a leading
// apostrophe; so is such text after a ',' or ';' inside a cell, since a program that splits on the
// other separator (a ';' locale reading a ',' file, or the reverse) starts a new cell there. Cells
// holding either separator are quoted. Numbers are written as numbers (a minus sign is not a formula).
const TRIGGER = /^\s*[=+\-@\t\r]/;
const AFTER_SEPARATOR = /([,;])(\s*)(?=[=+\-@\t\r])/g;
const NUMBER = /^\s*-?\d+(\.\d+)?(e[+-]?\d+)?\s*$/i;

export function csvCell(v: unknown, decimals = 4): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(decimals);
  let s = String(v);
  if (typeof v === 'string' && !NUMBER.test(s)) {
    if (TRIGGER.test(s)) s = `'${s}`;
    s = s.replace(AFTER_SEPARATOR, "$1$2'");
  }
  return /[",;\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows as CSV: a header of the columns, numbers to 4 decimals. */
export function toCsv(rows: Record<string, unknown>[], columns?: string[]): string {
  const cols = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return [cols.map((c) => csvCell(c)).join(','), ...rows.map((r) => cols.map((c) => csvCell(r[c])).join(','))].join('\n') + '\n';
}
