/**
 * Which bank format a file is, from its content only (never its name): XML namespace, OFX header,
 * BAI2 "01," file header, NACHA 94-character "1" file header, MT940 ":20:" tags.
 */
export type BankFamily = 'camt' | 'ofx' | 'bai2' | 'nacha' | 'mt940';

const latin1 = new TextDecoder('latin1');

export function detectBankFormat(bytes: Uint8Array): BankFamily | null {
  const head = latin1
    .decode(bytes.subarray(0, 8192))
    .replace(/^\u00ef\u00bb\u00bf/, '') // UTF-8 BOM read as Latin-1
    .replaceAll('\u0001', '') // SOH before a SWIFT transmission
    .trimStart();
  if (/^OFXHEADER\s*:/i.test(head) || /<\?OFX\b/i.test(head) || /^(<\?xml[^>]*>\s*)?<OFX>/i.test(head)) return 'ofx';
  if (head.startsWith('<')) {
    if (/urn:iso:std:iso:20022:tech:xsd:camt\./.test(head) || /<(\w+:)?(Document|BkToCstmr\w+)[\s>]/.test(head)) return 'camt';
    return null;
  }
  if (/^01,[^\n]*,\s*2\s*\/?\s*(\r?\n|$)/.test(head) || /^01,/.test(head)) return 'bai2';
  const firstLine = head.split(/\r?\n/)[0] ?? '';
  if (/^101[ \d]/.test(firstLine) && (firstLine.length === 94 || firstLine.length % 94 === 0)) return 'nacha';
  if (/(^|\n)\{1:/.test(head) || /(^|\r?\n):20:/.test(head)) return 'mt940';
  return null;
}
