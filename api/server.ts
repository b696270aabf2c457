/** The server shell: listen, and on SIGINT/SIGTERM stop taking requests, finish those in flight, close the warehouse. */
import type { App } from './app.ts';

export async function listen(app: App, host: string, port: number): Promise<string> {
  const address = await app.listen({ host, port });
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    app
      .close()
      .then(() => {
        app.warehouse.close();
        process.exit(0);
      })
      .catch((err: unknown) => {
        app.log.error({ err }, 'error during shutdown');
        process.exit(1);
      });
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  return address;
}
