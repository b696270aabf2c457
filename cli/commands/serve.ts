import type { Command } from 'commander';
import { configFrom } from '../context.ts';
import { Warehouse } from '../../core/warehouse.ts';
import { buildApp } from '../../api/app.ts';
import { listen } from '../../api/server.ts';
import { ensurePublishedRun, prepareWarehouse } from '../../jobs/bootstrap.ts';
import { startScheduler } from '../../jobs/schedule.ts';
import { countActiveKeys, createKey } from '../../api/access/keys.ts';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

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
      if (config.auth === 'on' && (await countActiveKeys(wh)) === 0) {
        // First start: without a key nobody could sign in, so mint one admin key and say where it is.
        const k = await createKey(wh, { role: 'admin', label: 'first start' }, new Date().toISOString());
        const file = join(dirname(config.dbPath), 'admin-key.txt');
        writeFileSync(file, `${k.secret}\n`, { mode: 0o600 });
        console.log(`created the first admin API key (saved in ${file}): ${k.secret}`);
        console.log('sign in on the dashboard with it, and create role keys with `ar-intel keys create --role …`');
      }
      const app = await buildApp({ warehouse: wh, config });
      const scheduler = startScheduler(wh, config, (m) => app.log.info(m));
      app.addHook('onClose', async () => scheduler.stop());
      const port = opts.port !== undefined ? Number(opts.port) : config.port;
      const address = await listen(app, opts.host ?? config.host, port);
      console.log(`ar-intel serving ${address} (API docs at ${address}/docs)`);
      ensurePublishedRun(wh, config, (m) => console.log(m)).catch((err: unknown) => console.error(`first pipeline run failed: ${(err as Error).message}`));
    });
}
