import type { Command } from 'commander';
import { configFrom } from '../context.ts';
import { Warehouse } from '../../core/warehouse.ts';
import { buildApp } from '../../api/app.ts';
import { listen } from '../../api/server.ts';
import { prepareWarehouse } from '../../jobs/bootstrap.ts';
import { startScheduler } from '../../jobs/schedule.ts';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the API and dashboards; an empty warehouse is first filled with the demo dataset')
    .option('--host <host>', 'listen address (default AR_INTEL_HOST or 127.0.0.1)')
    .option('--port <port>', 'listen port (default AR_INTEL_PORT or 3000)')
    .option('--no-demo', 'start with an empty warehouse instead of generating the demo dataset')
    .action(async (opts: { host?: string; port?: string; demo: boolean }, cmd: Command) => {
      const config = configFrom(cmd);
      const wh = await Warehouse.open(config.dbPath);
      await prepareWarehouse(wh, config, { demo: opts.demo, log: (m) => console.log(m) });
      const app = await buildApp({ warehouse: wh, config });
      const scheduler = startScheduler(wh, config, (m) => app.log.info(m));
      app.addHook('onClose', async () => scheduler.stop());
      const port = opts.port !== undefined ? Number(opts.port) : config.port;
      const address = await listen(app, opts.host ?? config.host, port);
      console.log(`ar-intel serving ${address} (API docs at ${address}/docs)`);
    });
}
