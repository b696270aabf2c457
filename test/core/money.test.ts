import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { centsFromNumber, formatMoney, parseMoney } from '../../core/money.ts';

describe('money', () => {
  it('parses the forms exports use', () => {
    expect(parseMoney('1234.5')).toBe(123450n);
    expect(parseMoney('.00')).toBe(0n);
    expect(parseMoney('-5536.10')).toBe(-553610n);
    expect(parseMoney('-.5')).toBe(-50n);
    expect(parseMoney(' 7 ')).toBe(700n);
  });
  it('refuses anything that is not an amount rather than reading it as 0', () => {
    for (const bad of ['', 'abc', '1.234', '1,000.00', 'NaN', '1e5', '--1']) expect(parseMoney(bad)).toBeUndefined();
  });
  it('round-trips every cent amount', () => {
    fc.assert(fc.property(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), (c) => parseMoney(formatMoney(c)) === c));
  });
  it('rounds floats half away from zero', () => {
    expect(centsFromNumber(0.005)).toBe(1n);
    expect(centsFromNumber(-0.005)).toBe(-1n);
    expect(() => centsFromNumber(Number.NaN)).toThrow();
  });
});
