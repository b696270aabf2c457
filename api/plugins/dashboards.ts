/**
 * Serves the dashboards (dashboards/public) at `/` and the two browser libraries they need from node_modules at
 * `/vendor/`: d3's and Observable Plot's UMD builds, loaded as classic scripts that define the `d3` and `Plot`
 * globals. Machines running ar-intel are offline, so nothing may come from a CDN, and the UMD builds need no
 * bundler or import map. Files are listed once at start-up (`wildcard: false`) so unknown paths still reach the
 * API's JSON 404 handler instead of a catch-all static route.
 */
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';
import fastifyStatic from '@fastify/static';

const require = createRequire(import.meta.url);

/** The browser builds the pages load; only these leave node_modules. */
export const VENDOR_FILES = {
  'd3.min.js': join(dirname(require.resolve('d3')), 'd3.min.js'),
  'plot.umd.min.js': join(dirname(require.resolve('@observablehq/plot')), '..', 'dist', 'plot.umd.min.js'),
} as const;

export const DASHBOARDS_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dashboards', 'public');

export const dashboards: FastifyPluginAsync = async (app) => {
  await app.register(fastifyStatic, {
    root: DASHBOARDS_ROOT,
    prefix: '/',
    wildcard: false,
    index: ['index.html'],
    // Pages and their modules change with every release and are small: max-age 0, always revalidated.
    maxAge: 0,
  });
  for (const [name, file] of Object.entries(VENDOR_FILES)) {
    app.get(`/vendor/${name}`, { schema: { hide: true } }, (_req, reply) =>
      reply.header('cache-control', 'public, max-age=86400').sendFile(name, dirname(file)),
    );
  }
};
