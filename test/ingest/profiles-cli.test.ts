import { afterEach, describe, expect, it, vi } from 'vitest';
import { Command } from 'commander';
import { registerProfiles } from '../../cli/commands/profiles.ts';

function run(args: string[]): { out: string } {
  const program = new Command().exitOverride();
  registerProfiles(program);
  let out = '';
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => {
    out += `${a.join(' ')}\n`;
  });
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  program.parse(['node', 'ar-intel', ...args]);
  return { out };
}

afterEach(() => vi.restoreAllMocks());

describe('ar-intel profiles', () => {
  it('lists name, system, kinds and description', () => {
    const { out } = run(['profiles']);
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^name\s+system\s+kinds\s+description$/);
    expect(out).toMatch(/sap-fbl5n\s+SAP ERP \/ S\/4HANA\s+invoices,credit_notes,payments\s+FBL5N customer line items/);
    expect(out).toMatch(/wwi-customer-transactions\s+WideWorldImporters .*\s+customers,invoices,payments/);
  });

  it('prints one profile as a JSON template and refuses unknown names', () => {
    const { out } = run(['profiles', 'xero-contacts']);
    expect(JSON.parse(out)).toMatchObject({ name: 'xero-contacts', outputs: [{ kind: 'customers' }] });
    expect(() => run(['profiles', 'xero'])).toThrow(/no built-in profile "xero"/);
  });
});
