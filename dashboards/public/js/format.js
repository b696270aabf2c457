/**
 * Number, money, percent and date formatting in the reader's locale (navigator.language) with Intl. Money arrives
 * from the API as decimal strings; it is converted to a Number only here, for display, never for arithmetic.
 */
const defaultLocale = typeof navigator !== 'undefined' && navigator.language ? navigator.language : 'en-US';

export function formatter(locale = defaultLocale) {
  const cache = new Map();
  const nf = (key, opts) => {
    if (!cache.has(key)) cache.set(key, new Intl.NumberFormat(locale, opts));
    return cache.get(key);
  };
  const toNum = (v) => (v === null || v === undefined || v === '' ? null : Number(v));
  return {
    locale,
    /** Whole units by default (tiles, charts); `exact` keeps the minor units for documents and payments. */
    money(v, currency, { compact = false, exact = false } = {}) {
      const n = toNum(v);
      if (n === null || !Number.isFinite(n)) return '–';
      const opts = compact
        ? { style: 'currency', currency, notation: 'compact', maximumFractionDigits: 1 }
        : exact
          ? { style: 'currency', currency }
          : { style: 'currency', currency, maximumFractionDigits: 0 };
      return nf(`money:${currency}:${compact}:${exact}`, opts).format(n);
    },
    number(v, digits = 0) {
      const n = toNum(v);
      if (n === null || !Number.isFinite(n)) return '–';
      return nf(`num:${digits}`, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(n);
    },
    /** `v` is a ratio (0.25 → 25 %). */
    percent(v, digits = 1) {
      const n = toNum(v);
      if (n === null || !Number.isFinite(n)) return '–';
      return nf(`pct:${digits}`, { style: 'percent', maximumFractionDigits: digits, minimumFractionDigits: digits }).format(n);
    },
    days(v, digits = 1) {
      const n = toNum(v);
      if (n === null || !Number.isFinite(n)) return '–';
      return `${nf(`num:${digits}`, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(n)} d`;
    },
    /** ISO date or timestamp → local short date (the date itself, not shifted by the time zone). */
    date(iso) {
      if (!iso) return '–';
      const d = new Date(iso.length === 10 ? `${iso}T00:00:00Z` : `${iso}Z`);
      if (Number.isNaN(d.getTime())) return iso;
      const opts = iso.length === 10 ? { dateStyle: 'medium', timeZone: 'UTC' } : { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' };
      return new Intl.DateTimeFormat(locale, opts).format(d);
    },
    month(iso) {
      if (!iso) return '–';
      return new Intl.DateTimeFormat(locale, { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${iso.slice(0, 7)}-01T00:00:00Z`));
    },
  };
}

export const fmt = formatter();
