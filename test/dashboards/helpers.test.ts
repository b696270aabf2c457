import { describe, expect, it } from 'vitest';
import { toCsv } from '../../dashboards/public/js/csv.js';
import { formatter } from '../../dashboards/public/js/format.js';

describe('CSV download', () => {
  it('writes the raw values with labelled headers and RFC 4180 quoting', () => {
    const rows = [
      { name: 'Acme, Inc.', amount: '1234.50', note: 'said "next week"' },
      { name: 'Globex', amount: '-3.00', note: null },
    ];
    const csv = toCsv(rows, [
      { key: 'name', label: 'Customer' },
      { key: 'amount', label: 'Open amount (USD)' },
      { key: 'note', label: 'Note' },
      { label: 'Line', value: (_r: unknown) => 'a\nb' },
    ]);
    expect(csv).toBe('Customer,Open amount (USD),Note,Line\r\n"Acme, Inc.",1234.50,"said ""next week""","a\nb"\r\nGlobex,-3.00,,"a\nb"\r\n');
  });
});

describe('locale formatting', () => {
  it('formats money, percentages and dates in the given locale', () => {
    const de = formatter('de-DE');
    expect(de.money('1234567.89', 'EUR')).toBe('1.234.568\u00a0€');
    expect(de.percent(0.256)).toBe('25,6\u00a0%');
    expect(de.date('2026-03-05')).toBe('05.03.2026');
    const us = formatter('en-US');
    expect(us.money('1234567.89', 'USD')).toBe('$1,234,568');
    expect(us.money('1234567.89', 'USD', { compact: true })).toBe('$1.2M');
    expect(us.money('123.45', 'USD', { exact: true })).toBe('$123.45');
    expect(formatter('ja-JP').money('1234', 'JPY', { exact: true })).toBe('￥1,234');
    expect(us.days(41.25)).toBe('41.3 d');
    expect(us.number(null)).toBe('–');
    expect(us.month('2026-02-28')).toBe('Feb 2026');
  });
});
