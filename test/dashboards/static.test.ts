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
    for (const path of ['/', '/data-quality.html', '/credit.html', '/cash-application.html', '/collector.html']) {
      const res = await h.app.inject({ url: path });
      expect(res.statusCode, path).toBe(200);
      expect(res.headers['content-type'], path).toMatch(/text\/html/);
      expect(res.body, path).toContain('/vendor/plot.umd.min.js');
      const module = /src="(\/js\/pages\/[a-z-]+\.js)"/.exec(res.body)?.[1];
      expect(module, path).toBeDefined();
      expect((await h.app.inject({ url: module! })).statusCode, module).toBe(200);
    }
  });

  it('serves d3 and Plot from node_modules, nothing else of it', async () => {
    const plot = await h.app.inject({ url: '/vendor/plot.umd.min.js' });
    expect(plot.statusCode).toBe(200);
    expect(plot.headers['content-type']).toMatch(/javascript/);
    expect(plot.body.slice(0, 60)).toContain('@observablehq/plot');
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
