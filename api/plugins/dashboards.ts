/**
 * Serves the dashboards at `/`: one HTML shell (dashboards/shell.html) for every page, naming the page's module
 * (`dashboards/public/js/pages/<name>.js`) from the path — `/` is the CFO overview, `/<name>.html` the others — and
 * the static modules and styles of dashboards/public. Also the browser libraries the pages need, from node_modules
 * at `/vendor/`: d3's, Observable Plot's and Apache Arrow's UMD builds, loaded as classic scripts that define the
 * `d3`, `Plot` and `Arrow` globals. Machines running ar-intel are offline, so nothing may come from a CDN, and the
 * UMD builds need no bundler or import map. Pages and files are listed once at start-up (`wildcard: false`) so
 * unknown paths still reach the API's JSON 404 handler instead of a catch-all route.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';
import fastifyStatic from '@fastify/static';

const require = createRequire(import.meta.url);

/** The browser builds the pages load; only these leave node_modules. */
export const VENDOR_FILES = {
  'd3.min.js': join(dirname(require.resolve('d3')), 'd3.min.js'),
  'plot.umd.min.js': join(dirname(require.resolve('@observablehq/plot')), '..', 'dist', 'plot.umd.min.js'),
  'arrow.es2015.min.js': join(dirname(require.resolve('apache-arrow')), 'Arrow.es2015.min.js'),
} as const;

export const DASHBOARDS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dashboards');
export const DASHBOARDS_ROOT = join(DASHBOARDS_DIR, 'public');

/** Modules in js/pages/ that are shared helpers, not pages. */
const NOT_PAGES = new Set(['common']);

/** URL path → page module name: `/` (and `/index.html`) is the overview, `/<name>.html` is js/pages/<name>.js. */
export function dashboardPages(root = DASHBOARDS_ROOT): Map<string, string> {
  const pages = new Map<string, string>([
    ['/', 'overview'],
    ['/index.html', 'overview'],
  ]);
  for (const file of readdirSync(join(root, 'js', 'pages')).sort()) {
    const name = /^([a-z][a-z0-9-]*)\.js$/.exec(file)?.[1];
    if (name && !NOT_PAGES.has(name) && name !== 'overview') pages.set(`/${name}.html`, name);
  }
  return pages;
}

/** The shell with the page's module filled in. */
export function renderShell(template: string, page: string): string {
  if (!/^[a-z][a-z0-9-]*$/.test(page)) throw new Error(`bad page name ${page}`);
  return template.replaceAll('{{page}}', page);
}

export const dashboards: FastifyPluginAsync = async (app) => {
  await app.register(fastifyStatic, {
    root: DASHBOARDS_ROOT,
    prefix: '/',
    wildcard: false,
    index: false,
    // Pages and their modules change with every release and are small: max-age 0, always revalidated.
    maxAge: 0,
  });
  const template = readFileSync(join(DASHBOARDS_DIR, 'shell.html'), 'utf8');
  for (const [path, page] of dashboardPages()) {
    const html = renderShell(template, page);
    app.get(path, { schema: { hide: true } }, (_req, reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html));
  }
  for (const [name, file] of Object.entries(VENDOR_FILES)) {
    app.get(`/vendor/${name}`, { schema: { hide: true } }, (_req, reply) =>
      reply.header('cache-control', 'public, max-age=86400').sendFile(basename(file), dirname(file)),
    );
  }
};
