/**
 * Master data of the demo world: collectors, customers with their latent payment behaviour, and
 * daily fx rates. Drawn from their own random stream so the customer base of a seed does not
 * change when only the invoice volume does.
 */
import type { Day } from './dates.ts';
import { isBusinessDay } from './dates.ts';
import type { Behaviour, BehaviourClass, CollectorRecord, CustomerRecord, FxRateRecord, PaymentMethod, RemittanceQuality, Segment } from './model.ts';
import type { CountryProfile } from './names.ts';
import { bankAccountFor, companyName, COUNTRIES, disambiguate, emailFor, INDUSTRIES, payerNameVariant, personName, phoneFor } from './names.ts';
import type { Rng } from './prng.ts';

/** Starting level (USD per unit) and daily log-volatility of each invoicing currency. */
export const FX_START: Readonly<Record<string, readonly [number, number]>> = {
  EUR: [1.08, 0.0045],
  GBP: [1.27, 0.005],
  CAD: [0.73, 0.0035],
  AUD: [0.66, 0.006],
};

export const SEGMENTS: readonly (readonly [Segment, number])[] = [
  ['enterprise', 0.08],
  ['mid', 0.27],
  ['smb', 0.65],
];

/** Behaviour-class mix per segment (documented in README.md). */
const CLASS_MIX: Readonly<Record<Segment, readonly (readonly [BehaviourClass, number])[]>> = {
  enterprise: [['early', 0.1], ['on_terms', 0.46], ['late', 0.3], ['chronic_late', 0.08], ['deteriorating', 0.055], ['defaulted', 0.005]],
  mid: [['early', 0.15], ['on_terms', 0.405], ['late', 0.28], ['chronic_late', 0.09], ['deteriorating', 0.06], ['defaulted', 0.015]],
  smb: [['early', 0.16], ['on_terms', 0.39], ['late', 0.27], ['chronic_late', 0.11], ['deteriorating', 0.05], ['defaulted', 0.02]],
};

const TERMS_MIX: Readonly<Record<Segment, readonly (readonly [string, number])[]>> = {
  enterprise: [['NET30', 0.3], ['NET45', 0.25], ['NET60', 0.45]],
  mid: [['NET30', 0.5], ['NET45', 0.2], ['NET60', 0.1], ['2/10 NET30', 0.15], ['NET15', 0.05]],
  smb: [['NET30', 0.45], ['NET15', 0.25], ['2/10 NET30', 0.2], ['NET45', 0.1]],
};

const ORDERS_PER_MONTH: Readonly<Record<Segment, number>> = { enterprise: 6, mid: 2.4, smb: 0.8 };
const MEDIAN_ORDER_USD: Readonly<Record<Segment, number>> = { enterprise: 22_000, mid: 5_500, smb: 1_100 };
const REQUIRES_PO: Readonly<Record<Segment, number>> = { enterprise: 0.8, mid: 0.5, smb: 0.15 };
const PAYMENT_RUN: Readonly<Record<Segment, number>> = { enterprise: 0.7, mid: 0.4, smb: 0.1 };

const COLLECTOR_NAMES = [
  'Avery Quinn', 'Jordan Blake', 'Morgan Reyes', 'Taylor Brooks', 'Casey Morgan', 'Riley Carter', 'Jamie Foster',
  'Drew Ellison', 'Sam Whitaker', 'Alex Romero', 'Robin Hale', 'Kendall Price', 'Cameron Diaz-Ortiz', 'Harper Lowe',
  'Reese Navarro',
];

export function makeCollectors(rng: Rng, customerCount: number): CollectorRecord[] {
  const n = Math.min(15, Math.max(8, Math.round(customerCount / 170)));
  const out: CollectorRecord[] = [];
  for (let i = 0; i < n; i++) {
    const name = COLLECTOR_NAMES[i] ?? `Collector ${i + 1}`;
    // Every region gets at least one collector; the rest follow the customer mix (NA-heavy).
    const region = i === 0 ? 'EMEA' : i === 1 ? 'APAC' : i % 3 === 2 ? 'EMEA' : 'NA';
    out.push({
      id: `COL${String(i + 1).padStart(2, '0')}`,
      name,
      email: `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@ar-intel.example`,
      dailyCapacity: 5 * rng.int(6, 12),
      region,
    });
  }
  return out;
}

function drawBehaviour(rng: Rng, segment: Segment, start: Day, end: Day): Behaviour {
  const cls = rng.weighted(CLASS_MIX[segment]);
  const horizon = end - start;
  let meanDaysLate: number;
  let deterioratesFrom: Day | null = null;
  let deteriorationDays = 0;
  let defaultDay: Day | null = null;
  switch (cls) {
    case 'early':
      meanDaysLate = -rng.uniform(3, 12);
      break;
    case 'on_terms':
      meanDaysLate = rng.uniform(-4, 0);
      break;
    case 'late':
      meanDaysLate = rng.uniform(6, 25);
      break;
    case 'chronic_late':
      meanDaysLate = rng.uniform(30, 75);
      break;
    case 'deteriorating':
      meanDaysLate = rng.uniform(-3, 2);
      deterioratesFrom = start + Math.round(horizon * rng.uniform(0.25, 0.75));
      deteriorationDays = rng.uniform(25, 70);
      break;
    case 'defaulted':
      meanDaysLate = rng.uniform(3, 15);
      deterioratesFrom = start + Math.round(horizon * rng.uniform(0.15, 0.55));
      deteriorationDays = rng.uniform(30, 60);
      defaultDay = Math.min(end - 30, deterioratesFrom + rng.int(90, 240));
      break;
  }
  const partial = { early: 0.01, on_terms: 0.02, late: 0.07, chronic_late: 0.15, deteriorating: 0.08, defaulted: 0.15 }[cls];
  const discount = { early: 0.85, on_terms: 0.4, late: 0.08, chronic_late: 0.02, deteriorating: 0.3, defaulted: 0.1 }[cls];
  return {
    cls,
    meanDaysLate,
    deterioratesFrom,
    deteriorationDays,
    defaultDay,
    writeOffDay: defaultDay === null ? null : defaultDay + rng.int(120, 240),
    partialPropensity: partial,
    disputePropensity: rng.logNormal(1, 0.5),
    paymentRunWeekday: rng.chance(PAYMENT_RUN[segment]) ? rng.int(2, 5) : null,
    takesDiscount: rng.chance(discount),
  };
}

function methodFor(rng: Rng, country: string, segment: Segment): PaymentMethod {
  if (country === 'US') {
    return rng.weighted<PaymentMethod>([['ach', 0.45], ['check', 0.25], ['wire', 0.2], ['card', segment === 'smb' ? 0.1 : 0]]);
  }
  if (country === 'CA') return rng.weighted<PaymentMethod>([['ach', 0.45], ['wire', 0.35], ['check', 0.2]]);
  return rng.weighted<PaymentMethod>([['wire', 0.95], ['card', segment === 'smb' ? 0.05 : 0]]);
}

function remittanceFor(rng: Rng, segment: Segment): RemittanceQuality {
  const good = segment === 'enterprise' ? 0.75 : segment === 'mid' ? 0.6 : 0.5;
  return rng.weighted<RemittanceQuality>([['good', good], ['sloppy', 0.28], ['none', 0.72 - good]]);
}

export interface MasterData {
  readonly collectors: CollectorRecord[];
  readonly customers: CustomerRecord[];
}

export function makeCustomers(rng: Rng, count: number, collectors: readonly CollectorRecord[], start: Day, end: Day): CustomerRecord[] {
  const names = new Set<string>();
  const customers: CustomerRecord[] = [];
  const byRegion = new Map<string, number[]>();
  for (const [i, col] of collectors.entries()) {
    const list = byRegion.get(col.region) ?? [];
    list.push(i);
    byRegion.set(col.region, list);
  }
  const enterpriseByCountry = new Map<string, number[]>();
  for (let i = 0; i < count; i++) {
    const country: CountryProfile = rng.weighted(COUNTRIES);
    const industry = rng.weighted(INDUSTRIES.map(([name, words, w]) => [[name, words] as const, w] as const));
    const segment = rng.weighted(SEGMENTS);
    let name = companyName(rng, country, industry[1]);
    for (let attempt = 0; names.has(name) && attempt < 6; attempt++) name = companyName(rng, country, industry[1]);
    if (names.has(name)) {
      const place = rng.pick(country.places);
      let n = 1;
      while (names.has(disambiguate(name, place, n))) n++;
      name = disambiguate(name, place, n);
    }
    names.add(name);
    // Some non-US customers are invoiced in USD (global accounts priced in dollars).
    const currency = country.currency !== 'USD' && rng.chance(0.2) ? 'USD' : country.currency;
    const terms = rng.weighted(TERMS_MIX[segment]);
    const discounted = terms.startsWith('2/10');
    const termsDays = discounted ? 30 : Number(terms.slice(3));
    const behaviour = drawBehaviour(rng, segment, start, end);
    const monthlyOrders = rng.logNormal(ORDERS_PER_MONTH[segment], 0.4);
    const fx = FX_START[currency]?.[0] ?? 1;
    const medianOrderCents = Math.round((rng.logNormal(MEDIAN_ORDER_USD[segment], 0.35) / fx) * 100);
    // Exposure of a typical month and a half of sales, rounded like a credit officer would.
    const exposure = (monthlyOrders * medianOrderCents * 1.4 * rng.uniform(1.5, 4)) / 100;
    const creditLimitCents = Math.max(5000, Math.round(exposure / 1000) * 1000) * 100;
    const regionCollectors = byRegion.get(country.region) ?? [0];
    const collectorIndex = regionCollectors[rng.int(0, regionCollectors.length - 1)] ?? 0;
    const contact = personName(rng);
    const newcomer = rng.chance(0.15);
    const createdDay = newcomer ? start + rng.int(0, Math.max(0, end - start - 120)) : start - rng.int(60, 3000);
    const churnDay = !newcomer && rng.chance(0.05) ? start + rng.int(90, Math.max(91, end - start - 30)) : null;
    // A child of an enterprise group in the same country: its parent was created earlier in the list.
    const parents = enterpriseByCountry.get(country.code) ?? [];
    const parentIndex = segment !== 'enterprise' && parents.length > 0 && rng.chance(0.12) ? rng.pick(parents) : null;
    const industryName = industry[0];
    const customer: CustomerRecord = {
      index: i,
      id: `C${String(i + 1).padStart(6, '0')}`,
      name,
      parentIndex,
      segment,
      industry: industryName,
      country: country.code,
      currency,
      termsDays,
      discountPct: discounted ? 2 : null,
      discountDays: discounted ? 10 : null,
      creditLimitCents,
      collectorIndex,
      contactName: contact,
      email: emailFor(contact, name),
      phone: phoneFor(rng, country.code),
      createdDay,
      strategic: segment === 'enterprise' && monthlyOrders > ORDERS_PER_MONTH.enterprise * 1.2,
      churnDay,
      monthlyOrders,
      medianOrderCents,
      serviceShare: industryName === 'technology' || industryName === 'healthcare' ? 0.5 : 0.1,
      requiresPo: rng.chance(REQUIRES_PO[segment]),
      taxRate: rng.pick(country.taxRates),
      payerName: payerNameVariant(rng, name),
      bankAccount: bankAccountFor(rng, country.code),
      preferredMethod: methodFor(rng, country.code, segment),
      remittance: remittanceFor(rng, segment),
      paidByParent: parentIndex !== null && rng.chance(0.5),
      behaviour,
    };
    customers.push(customer);
    if (segment === 'enterprise') {
      parents.push(i);
      enterpriseByCountry.set(country.code, parents);
    }
  }
  return customers;
}

/** Business-day fx rates (USD per unit) as a mean-reverting log random walk per currency. */
export function makeFxRates(rng: Rng, first: Day, end: Day): FxRateRecord[] {
  const out: FxRateRecord[] = [];
  const level = new Map<string, number>();
  for (const [cur, [start]] of Object.entries(FX_START)) level.set(cur, Math.log(start));
  for (let day = first; day <= end; day++) {
    if (!isBusinessDay(day)) continue;
    for (const [cur, [start, vol]] of Object.entries(FX_START)) {
      const prev = level.get(cur) ?? Math.log(start);
      const next = prev + 0.01 * (Math.log(start) - prev) + vol * rng.normal();
      level.set(cur, next);
      out.push({ day, currency: cur, rate: Math.round(Math.exp(next) * 1e6) / 1e6 });
    }
  }
  return out;
}
