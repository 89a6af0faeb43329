/**
 * Text from a file, a template or the store, made safe to print on a terminal. A cell holding
 * an escape sequence could otherwise move the cursor, rewrite earlier lines, change the window
 * title or hide text from the operator; a line break inside a value could forge a line of the
 * output. Every such character is shown as an escape instead, so the operator sees what the
 * value holds. JSON output needs none of this: JSON escapes control characters itself.
 */

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

// C0 controls, DEL and C1 controls (Unicode's Cc); the line and paragraph separators, which some terminals
// and viewers break lines at; and the bidirectional overrides and isolates, which reorder how
// the text around them is shown.
const UNPRINTABLE = /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

/** `text` with every control character escaped (`\x1b`, `\n`, `\u202e`), for output meant for people. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => NAMED[c] ?? escapeCode(c.charCodeAt(0)));
}

function escapeCode(code: number): string {
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}
