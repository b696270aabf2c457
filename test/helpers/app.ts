import { buildApp, type App } from '../../api/app.ts';
import { tempWarehouse, type TestWarehouse } from './warehouse.ts';

/** The whole API over a temp warehouse; tests call `app.inject`, never a port. */
export async function testApp(seed?: (t: TestWarehouse) => Promise<void>): Promise<{ app: App; t: TestWarehouse; close(): Promise<void> }> {
  const t = await tempWarehouse();
  if (seed) await seed(t);
  const app = await buildApp({ warehouse: t.wh, config: t.config }, { logger: false });
  await app.ready();
  return {
    app,
    t,
    async close() {
      await app.close();
      t.cleanup();
    },
  };
}
