/** CSV writing (RFC 4180 quoting), shared by exports of the CLI and the API. */

export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * A field typed by a user (a note) for a file people open in spreadsheets: a leading `= + - @` (or tab / CR) would
 * make it a formula, so it gets a leading apostrophe (OWASP "CSV injection").
 */
export function csvTextField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return csvField(/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);
}

export function formatCsv(rows: ReadonlyArray<Record<string, unknown>>, columns: string[], text: readonly string[] = []): string {
  const cell = (r: Record<string, unknown>, c: string) => (text.includes(c) ? csvTextField(r[c]) : csvField(r[c]));
  return [columns.join(','), ...rows.map((r) => columns.map((c) => cell(r, c)).join(','))].join('\n') + '\n';
}
