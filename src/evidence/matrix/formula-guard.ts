// Spreadsheet programs run a cell that begins with one of these characters as a formula, so a title such as
// `=HYPERLINK(...)` could act when someone opens an exported matrix (OWASP "CSV injection").
const FORMULA_START = /^[=+\-@]/;

/** Prefixes an apostrophe to text that a spreadsheet would otherwise run as a formula. */
export function guardFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/**
 * Removes the apostrophe that `guardFormula` added. Text such as `'tis` keeps its apostrophe because
 * no guard would have been added before `t`.
 */
export function unguardFormula(text: string): string {
  return text.startsWith("'") && FORMULA_START.test(text.slice(1)) ? text.slice(1) : text;
}
