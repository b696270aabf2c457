/**
 * What a payer writes on a payment: the invoice numbers as their AP clerk or cheque scanner
 * rendered them. Good payers quote exact numbers, sloppy ones drop prefixes, mistype or OCR-garble
 * them and omit some; others send no invoice numbers at all.
 */
import type { PaymentMethod, RemittanceQuality } from './model.ts';
import type { Rng } from './prng.ts';

const OCR_SWAPS: Readonly<Record<string, readonly string[]>> = {
  '0': ['O', 'D'],
  '1': ['I', 'l', '7'],
  '2': ['Z'],
  '5': ['S'],
  '6': ['G', 'b'],
  '8': ['B', '3'],
  '9': ['g'],
};

/** One OCR/typing error: a look-alike substitution, two adjacent digits swapped, or a digit dropped. */
export function garble(rng: Rng, text: string): string {
  const positions: number[] = [];
  for (let i = 0; i < text.length; i++) if (/\d/.test(text[i] ?? '')) positions.push(i);
  if (positions.length < 2) return text;
  const kind = rng.int(0, 2);
  const p = rng.pick(positions);
  if (kind === 0) {
    const ch = text[p] ?? '';
    const swaps = OCR_SWAPS[ch];
    if (swaps) return text.slice(0, p) + rng.pick(swaps) + text.slice(p + 1);
  }
  if (kind <= 1) {
    const q = positions.includes(p + 1) ? p : positions[positions.length - 2] ?? p;
    const a = text[q] ?? '';
    const b = text[q + 1] ?? '';
    if (a !== b) return text.slice(0, q) + b + a + text.slice(q + 2);
  }
  return text.slice(0, p) + text.slice(p + 1);
}

function styled(rng: Rng, id: string, errorRate: number): string {
  const digits = id.replace(/^\D+-?/, '');
  const form = rng.weighted<string>([
    [id, 0.5],
    [id.replace('-', ''), 0.2],
    [digits, 0.25],
    [`#${digits}`, 0.05],
  ]);
  return rng.chance(errorRate) ? garble(rng, form) : form;
}

export interface Remittance {
  readonly reference: string;
  readonly remittanceText: string;
}

export function remittanceFor(
  rng: Rng,
  quality: RemittanceQuality,
  method: PaymentMethod,
  invoiceIds: readonly string[],
  amounts: readonly string[],
  checkNumber: number,
): Remittance {
  const checkRef = `CHK ${String(checkNumber).padStart(6, '0')}`;
  if (quality === 'none' || invoiceIds.length === 0) {
    const reference = method === 'check' ? checkRef : rng.pick(['PAYMENT', 'INVOICE PAYMENT', 'SUPPLIER PAYMENT', `ACH CCD ${rng.int(1000000, 9999999)}`, 'PMT THANK YOU']);
    return { reference, remittanceText: rng.chance(0.3) ? 'Payment for services' : '' };
  }
  // Scanned cheque stubs garble more than typed remittance advices.
  const errorRate = quality === 'good' ? 0.01 : method === 'check' ? 0.3 : 0.15;
  const kept = quality === 'sloppy' && invoiceIds.length > 1 ? invoiceIds.filter(() => !rng.chance(0.2)) : invoiceIds;
  const list = (kept.length > 0 ? kept : invoiceIds.slice(0, 1)).map((id) =>
    quality === 'good' ? (rng.chance(errorRate) ? garble(rng, id) : id) : styled(rng, id, errorRate),
  );
  const sep = rng.pick([' ', ', ', '/', '; ']);
  let reference: string;
  if (method === 'check') reference = checkRef;
  else if (list.length <= 3) reference = list.join(sep);
  else reference = `REMIT ADVICE ${rng.int(100000, 999999)}`;
  let remittanceText: string;
  if (quality === 'good' && list.length > 1) {
    remittanceText = list.map((id, i) => `${id} ${amounts[invoiceIds.indexOf(kept[i] ?? '')] ?? ''}`.trim()).join('; ');
  } else if (list.length > 3 || method === 'check' || rng.chance(0.5)) {
    remittanceText = `${rng.pick(['Invoices', 'Inv.', 'Payment of', 'Re:'])} ${list.join(sep)}`;
  } else {
    remittanceText = '';
  }
  return { reference, remittanceText };
}
