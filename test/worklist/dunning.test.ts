import { describe, expect, it } from 'vitest';
import { lateInterest, renderDunning } from '../../scoring/dunning.ts';
import { loadStrategy } from '../../scoring/strategy.ts';

describe('dunning letters', () => {
  it('charges simple interest per overdue day', () => {
    expect(lateInterest(10_000, 73, 8)).toBe(160);
    expect(lateInterest(10_000, 0, 8)).toBe(0);
  });
  it('lists overdue items and adds interest and the fee only on a final notice', () => {
    const s = loadStrategy();
    const items = [
      { invoiceId: 'I1', openAmount: '10000.00', currency: 'USD', dueDate: '2026-08-18', daysPastDue: 73 },
      { invoiceId: 'I2', openAmount: '500.00', currency: 'USD', dueDate: '2026-11-10', daysPastDue: -11 },
    ];
    const reminder = renderDunning({ customerName: 'Acme', contactName: 'Pat', step: 'overdue notice', channel: 'email', items }, s, '2026-10-30');
    expect(reminder.subject).toBe('Reminder: overdue invoices of Acme');
    expect(reminder.body).toContain('I1');
    expect(reminder.body).not.toContain('I2');
    expect(reminder.body).toContain('Total due: USD 10000.00');
    expect(reminder.fees).toBe(0);
    const final = renderDunning({ customerName: 'Acme', contactName: null, step: 'final notice', channel: 'letter', items }, s, '2026-10-30');
    expect(final.interest).toEqual({ USD: 160 });
    expect(final.fees).toBe(40);
    expect(final.body).toContain('Total due: USD 10160.00 plus the fee');
  });
});
