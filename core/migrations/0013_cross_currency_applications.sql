-- Cross-currency cash application. An application's `amount` stays in the currency of the invoice or
-- credit note it settles (every model sums it against the document). When the payment arrived in
-- another currency, `payment_amount` is what the application took from the payment, in the payment's
-- currency, and `fx_rate` the rate used (payment currency → document currency) — the payment's
-- unapplied rest is its amount minus coalesce(payment_amount, amount) of its applications.
-- Both are null for same-currency applications.
alter table payment_applications add column payment_amount decimal(18, 2);
alter table payment_applications add column fx_rate decimal(18, 8);
