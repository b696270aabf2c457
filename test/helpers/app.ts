import { buildApp, type App } from '../../api/app.ts';
import { createKey, type Role } from '../../api/access/keys.ts';
import { tempWarehouse, type TestWarehouse } from './warehouse.ts';

export interface TestAppOptions {
  /** Role of the key every `inject` carries unless the test sets its own authorization header (default admin). */
  readonly as?: Role;
  readonly collectorId?: string;
  /** Leave inject untouched: the test sends (or omits) credentials itself. */
  readonly raw?: boolean;
}

/**
 * The whole API, with authentication on, over a temp warehouse; tests call `app.inject`, never a port.
 * By default each inject carries an admin key so tests of a resource need not repeat the sign-in.
 */
export async function testApp(
  seed?: (t: TestWarehouse) => Promise<void>,
  options: TestAppOptions = {},
): Promise<{ app: App; t: TestWarehouse; key: string; close(): Promise<void> }> {
  const t = await tempWarehouse();
  if (seed) await seed(t);
  const config = { ...t.config, auth: 'on' as const };
  const app = await buildApp({ warehouse: t.wh, config }, { logger: false });
  await app.ready();
  const created = await createKey(t.wh, { role: options.as ?? 'admin', collectorId: options.collectorId, label: 'test' }, '2024-01-01T00:00:00');
  if (!options.raw) {
    const inject = app.inject.bind(app) as (o: unknown) => unknown;
    (app as unknown as { inject: (o: unknown) => unknown }).inject = (opts: unknown) => {
      if (typeof opts === 'string') opts = { method: 'GET', url: opts };
      const o = opts as { headers?: Record<string, string> };
      const headers = { ...(o.headers ?? {}) };
      if (!('authorization' in headers) && !('x-api-key' in headers) && !('cookie' in headers)) headers.authorization = `Bearer ${created.secret}`;
      return inject({ ...o, headers });
    };
  }
  return {
    app,
    t,
    key: created.secret,
    async close() {
      await app.close();
      t.cleanup();
    },
  };
}
