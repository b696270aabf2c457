import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp } from '../helpers/app.ts';

type Harness = Awaited<ReturnType<typeof testApp>>;

describe('dashboard assets', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await testApp(undefined, { raw: true });
  });
  afterAll(async () => h.close());

  it('serves every page at / without a key (pages hold no data)', async () => {
    const pages: Record<string, string> = {
      '/': 'overview',
      '/index.html': 'overview',
      '/data-quality.html': 'data-quality',
      '/credit.html': 'credit',
      '/cash-application.html': 'cash-application',
      '/collector.html': 'collector',
    };
    const shells = new Set<string>();
    for (const [path, page] of Object.entries(pages)) {
      const res = await h.app.inject({ url: path });
      expect(res.statusCode, path).toBe(200);
      expect(res.headers['content-type'], path).toMatch(/text\/html/);
      expect(res.body, path).toContain('/vendor/plot.umd.min.js');
      const module = /src="(\/js\/pages\/[a-z-]+\.js)"/.exec(res.body)?.[1];
      expect(module, path).toBe(`/js/pages/${page}.js`);
      expect((await h.app.inject({ url: module! })).statusCode, module).toBe(200);
      shells.add(res.body.replace(module!, ''));
    }
    // one shell: the pages differ only in their module
    expect(shells.size).toBe(1);
    // a helper module is not a page
    expect((await h.app.inject({ url: '/common.html' })).statusCode).toBe(404);
  });

  it('serves d3, Plot and Arrow from node_modules, nothing else of it', async () => {
    const plot = await h.app.inject({ url: '/vendor/plot.umd.min.js' });
    expect(plot.statusCode).toBe(200);
    expect(plot.headers['content-type']).toMatch(/javascript/);
    expect(plot.body.slice(0, 60)).toContain('@observablehq/plot');
    const arrow = await h.app.inject({ url: '/vendor/arrow.es2015.min.js' });
    expect(arrow.statusCode).toBe(200);
    expect(arrow.body).toContain('global.Arrow');
    const d3 = await h.app.inject({ url: '/vendor/d3.min.js' });
    expect(d3.statusCode).toBe(200);
    expect(d3.body).toContain('d3js.org');
    for (const url of ['/vendor/d3.js', '/vendor/../package.json', '/node_modules/d3/package.json', '/../api/app.ts']) {
      const res = await h.app.inject({ url });
      // Refused either by the 404 handler or, for paths that normalise into /api/, by authentication.
      expect([401, 404], url).toContain(res.statusCode);
      expect(res.body, url).not.toMatch(/buildApp|"dependencies"|function\(/);
    }
  });

  it('leaves unknown paths to the JSON 404 handler', async () => {
    const res = await h.app.inject({ url: '/api/v1/nope' });
    expect(res.statusCode).toBe(401); // the API still asks for a key first
    const page = await h.app.inject({ url: '/nope.html' });
    expect(page.statusCode).toBe(404);
    expect(page.json().code).toBe('NOT_FOUND');
  });
});
