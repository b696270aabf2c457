/** Word lists and small generators for names, contacts, phone numbers and bank accounts (all fictional). */
import type { Rng } from './prng.ts';

export interface CountryProfile {
  readonly code: string;
  readonly currency: string;
  readonly region: 'NA' | 'EMEA' | 'APAC';
  readonly suffixes: readonly string[];
  readonly taxRates: readonly number[];
  readonly places: readonly string[];
}

export const COUNTRIES: readonly (readonly [CountryProfile, number])[] = [
  [{ code: 'US', currency: 'USD', region: 'NA', suffixes: ['Inc.', 'LLC', 'Corp.', 'Co.'], taxRates: [0, 0, 0.0625, 0.07, 0.0825], places: ['Ohio', 'Texas', 'Denver', 'Atlanta', 'Seattle', 'Boston'] }, 0.5],
  [{ code: 'CA', currency: 'CAD', region: 'NA', suffixes: ['Inc.', 'Ltd.', 'Corp.'], taxRates: [0.05, 0.13], places: ['Toronto', 'Calgary', 'Montreal'] }, 0.1],
  [{ code: 'GB', currency: 'GBP', region: 'EMEA', suffixes: ['Ltd', 'PLC', 'Limited'], taxRates: [0.2], places: ['London', 'Leeds', 'Bristol'] }, 0.12],
  [{ code: 'DE', currency: 'EUR', region: 'EMEA', suffixes: ['GmbH', 'AG', 'GmbH & Co. KG'], taxRates: [0.19], places: ['Berlin', 'Hamburg', 'Köln'] }, 0.1],
  [{ code: 'FR', currency: 'EUR', region: 'EMEA', suffixes: ['SAS', 'SA', 'SARL'], taxRates: [0.2], places: ['Lyon', 'Paris', 'Lille'] }, 0.08],
  [{ code: 'NL', currency: 'EUR', region: 'EMEA', suffixes: ['B.V.', 'N.V.'], taxRates: [0.21], places: ['Utrecht', 'Rotterdam'] }, 0.05],
  [{ code: 'AU', currency: 'AUD', region: 'APAC', suffixes: ['Pty Ltd', 'Ltd'], taxRates: [0.1], places: ['Sydney', 'Perth'] }, 0.05],
];

export const INDUSTRIES: readonly (readonly [string, readonly string[], number])[] = [
  ['manufacturing', ['Manufacturing', 'Industries', 'Fabrication', 'Components', 'Machine Works'], 0.22],
  ['wholesale', ['Distribution', 'Supply', 'Trading', 'Wholesale'], 0.18],
  ['retail', ['Retail', 'Stores', 'Outfitters', 'Market'], 0.14],
  ['construction', ['Construction', 'Builders', 'Contractors'], 0.1],
  ['healthcare', ['Health', 'Medical', 'Care Partners', 'Clinics'], 0.1],
  ['technology', ['Systems', 'Software', 'Technologies', 'Digital'], 0.1],
  ['logistics', ['Logistics', 'Freight', 'Transport'], 0.08],
  ['food', ['Foods', 'Provisions', 'Farms', 'Kitchens'], 0.08],
];

const STEMS = [
  'Northwind', 'Blue Harbor', 'Summit', 'Pioneer', 'Apex', 'Redwood', 'Silver Lake', 'Granite', 'Harbor Point',
  'Evergreen', 'Ironbridge', 'Lakeside', 'Meridian', 'Oakridge', 'Pinnacle', 'Riverstone', 'Sterling', 'Trident',
  'Westfield', 'Beacon', 'Cascade', 'Crescent', 'Falcon', 'Frontier', 'Golden Gate', 'Highland', 'Horizon', 'Keystone',
  'Liberty', 'Maple Leaf', 'Nordic', 'Orion', 'Pacific Rim', 'Prairie', 'Quantum', 'Red Rock', 'Sapphire', 'Shoreline',
  'Skyline', 'Stonegate', 'Sunrise', 'Tidewater', 'Union', 'Vanguard', 'Willow Creek', 'Atlas', 'Bellweather', 'Cobalt',
  'Delta', 'Eastgate', 'Fairview', 'Greystone', 'Hawthorne', 'Juniper', 'Kingsway', 'Lighthouse', 'Millbrook', 'Nova',
  'Osprey', 'Parkside', 'Ridgeline', 'Seaborne', 'Thornbury', 'Upland', 'Valley', 'Whitmore', 'Ashford', 'Brightwater',
  'Copperfield', 'Dunmore', 'Elmwood', 'Foxhall', 'Glenbrook', 'Hillcrest', 'Ivywood', 'Jasper', 'Kestrel', 'Larkspur',
];

const FIRST = [
  'James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth', 'William',
  'Susan', 'Thomas', 'Sarah', 'Daniel', 'Karen', 'Anna', 'Lukas', 'Sophie', 'Jan', 'Claire', 'Pierre', 'Emma', 'Oliver',
  'Charlotte', 'Noah', 'Mia', 'Liam', 'Chloe', 'Ethan', 'Priya', 'Wei', 'Hiro', 'Fatima', 'Carlos', 'Lucia', 'Ahmed',
];

const LAST = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Miller', 'Davis', 'Garcia', 'Wilson', 'Taylor', 'Anderson',
  'Thomas', 'Moore', 'Martin', 'Lee', 'Clark', 'Lewis', 'Walker', 'Hall', 'Young', 'Müller', 'Schmidt', 'Fischer',
  'Weber', 'Dubois', 'Laurent', 'Bernard', 'de Vries', 'Jansen', 'Bakker', 'O\'Brien', 'Murphy', 'Patel', 'Chen',
  'Nguyen', 'Kowalski', 'Rossi', 'Silva', 'Tanaka', 'Khan',
];

export function personName(rng: Rng): string {
  return `${rng.pick(FIRST)} ${rng.pick(LAST)}`;
}

export function companyName(rng: Rng, country: CountryProfile, industryWords: readonly string[]): string {
  return `${rng.pick(STEMS)} ${rng.pick(industryWords)} ${rng.pick(country.suffixes)}`;
}

/** A unique variant of a name already taken: a place inserted before the legal suffix. */
export function disambiguate(name: string, place: string, n: number): string {
  const base = n <= 1 ? place : `${place} ${n}`;
  return `${name.replace(/ ([^ ]+)$/, '')} ${base} ${name.split(' ').pop() ?? ''}`.trim();
}

export function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

export function emailFor(person: string, company: string): string {
  const local = slug(person).replace(/-/g, '.');
  const words = company.split(' ');
  const domain = slug(words.slice(0, Math.min(2, words.length - 1)).join(' ')) || 'customer';
  return `${local}@${domain}.example`;
}

function digits(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String(rng.int(0, 9));
  return s;
}

export function phoneFor(rng: Rng, country: string): string {
  switch (country) {
    case 'US':
    case 'CA':
      // 555-01xx is reserved for fiction.
      return `+1 ${rng.int(201, 989)} 555 01${digits(rng, 2)}`;
    case 'GB':
      return `+44 20 7946 0${digits(rng, 3)}`;
    case 'DE':
      return `+49 30 ${digits(rng, 8)}`;
    case 'FR':
      return `+33 1 ${digits(rng, 2)} ${digits(rng, 2)} ${digits(rng, 2)} ${digits(rng, 2)}`;
    case 'NL':
      return `+31 20 ${digits(rng, 7)}`;
    default:
      return `+61 2 ${digits(rng, 4)} ${digits(rng, 4)}`;
  }
}

/** ISO 13616 check digits, so the demo IBANs pass validation like real ones. */
function ibanCheck(country: string, bban: string): string {
  const rearranged = `${bban}${country}00`.replace(/[A-Z]/g, (ch) => String(ch.charCodeAt(0) - 55));
  let rem = 0;
  for (const ch of rearranged) rem = (rem * 10 + Number(ch)) % 97;
  return String(98 - rem).padStart(2, '0');
}

export function bankAccountFor(rng: Rng, country: string): string {
  switch (country) {
    case 'US':
      return `${rng.pick(['021000021', '026009593', '121000358', '071000013'])}-${digits(rng, 10)}`;
    case 'CA':
      return `${digits(rng, 3)}-${digits(rng, 5)}-${digits(rng, 7)}`;
    case 'AU':
      return `${digits(rng, 3)}-${digits(rng, 3)} ${digits(rng, 9)}`;
    case 'GB': {
      const bban = `NWBK${digits(rng, 14)}`;
      return `GB${ibanCheck('GB', bban)}${bban}`;
    }
    case 'DE': {
      const bban = digits(rng, 18);
      return `DE${ibanCheck('DE', bban)}${bban}`;
    }
    case 'FR': {
      const bban = digits(rng, 23);
      return `FR${ibanCheck('FR', bban)}${bban}`;
    }
    default: {
      const bban = `ABNA${digits(rng, 10)}`;
      return `NL${ibanCheck('NL', bban)}${bban}`;
    }
  }
}

const SUFFIX_EXPANSIONS: readonly (readonly [RegExp, string])[] = [
  [/\bInc\.$/, 'Incorporated'],
  [/\bCorp\.$/, 'Corporation'],
  [/\bCo\.$/, 'Company'],
  [/\bLtd\.?$/, 'Limited'],
  [/\bLLC$/, 'L.L.C.'],
  [/\bB\.V\.$/, 'BV'],
];

/**
 * The account-holder name a bank statement shows for a company: sticky per account, because the
 * bank prints what the account was opened under, not what the ERP calls the customer.
 */
export function payerNameVariant(rng: Rng, name: string): string {
  const kind = rng.weighted<'exact' | 'bank' | 'expanded' | 'abbreviated' | 'bare'>([
    ['exact', 0.45],
    ['bank', 0.25],
    ['expanded', 0.1],
    ['abbreviated', 0.1],
    ['bare', 0.1],
  ]);
  const words = name.split(' ');
  switch (kind) {
    case 'exact':
      return name;
    case 'bank':
      return name
        .normalize('NFKD')
        .replace(/[\u0300-\u036f]/g, '')
        .toUpperCase()
        .replace(/[.,&]/g, '')
        .replace(/\s+/g, ' ')
        .slice(0, 35)
        .trim();
    case 'expanded': {
      for (const [re, full] of SUFFIX_EXPANSIONS) if (re.test(name)) return name.replace(re, full);
      return name;
    }
    case 'abbreviated': {
      if (words.length < 3) return name;
      // "Blue Harbor Logistics Inc." → "BH Logistics Inc."
      const head = words.slice(0, words.length - 2).map((w) => w[0] ?? '').join('');
      return `${head.toUpperCase()} ${words.slice(-2).join(' ')}`;
    }
    case 'bare':
      return words.length > 2 ? words.slice(0, -1).join(' ') : name;
  }
}
