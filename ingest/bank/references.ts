/**
 * Structured creditor references hidden in free text (MT940 :86:, BAI2 88 records): only ISO 11649
 * "RF" references whose mod-97 check digits are valid count, so an "RF" that happens to start a word
 * is not mistaken for one.
 */
const RF_RE = /\bRF\d{2}(?:[ ]?[A-Z0-9]){1,25}\b/g;

export function isValidRf(ref: string): boolean {
  const compact = ref.replace(/ /g, '').toUpperCase();
  if (!/^RF\d{2}[A-Z0-9]{1,21}$/.test(compact)) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let rem = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const digits = code >= 65 ? String(code - 55) : ch;
    for (const d of digits) rem = (rem * 10 + Number(d)) % 97;
  }
  return rem === 1;
}

export function findCreditorReference(text: string): string | null {
  RF_RE.lastIndex = 0;
  for (let m = RF_RE.exec(text.toUpperCase()); m; m = RF_RE.exec(text.toUpperCase())) {
    // A greedy match can swallow the following word; shorten until the check digits hold.
    let candidate = m[0].trim();
    while (candidate.length > 4) {
      if (isValidRf(candidate)) return candidate.replace(/ /g, '');
      candidate = candidate.slice(0, -1).trimEnd();
    }
  }
  return null;
}
