// What counts as text a field can hold: the one test the HTTP edge and the protocol core both apply.

/**
 * Why a value cannot be accepted as text, or undefined. NUL, C0 and C1 controls and DEL never belong in
 * a field (PostgreSQL refuses NUL in text outright); tab, CR and LF only where a value spans lines. A
 * lone UTF-16 surrogate is not Unicode text at all.
 */
export function textProblem(value: string, multiline = false): string | undefined {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
      if (multiline && (c === 0x09 || c === 0x0a || c === 0x0d)) continue;
      return 'a control character';
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = value.charCodeAt(i + 1);
      if (c > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return 'text that is not valid Unicode';
      i++;
    }
  }
  return undefined;
}
