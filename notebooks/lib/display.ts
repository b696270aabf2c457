/**
 * Rendering for the notebooks on the Deno Jupyter kernel, headless: Observable Plot needs a DOM to build
 * its SVG, and a kernel has none, so Plot gets linkedom's document and the notebook receives the SVG text.
 * The returned objects carry Deno's `Symbol.for('Jupyter.display')` hook, so a cell that ends with one
 * shows the chart or table; outside Jupyter they are plain objects (the markup is in `.svg` / `.html`).
 */
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';

const DISPLAY = Symbol.for('Jupyter.display');

export interface Displayable {
  readonly [DISPLAY]: () => Record<string, string>;
}

/** Plot options as Plot takes them; `document` is supplied here. */
export type PlotOptions = Omit<Plot.PlotOptions, 'document'>;

export function plotSvg(options: PlotOptions): string {
  const { document } = parseHTML('<!doctype html><html><body></body></html>');
  const el = Plot.plot({ ...options, document: document as unknown as Document }) as unknown as { outerHTML: string; tagName: string };
  return el.outerHTML;
}

/** A chart for a notebook cell: `plot({ marks: [...] })`. */
export function plot(options: PlotOptions): Displayable & { svg: string } {
  const svg = plotSvg(options);
  // Plot wraps the SVG in a <figure> when there is a legend or title; both are HTML, not pure SVG.
  const isSvg = svg.startsWith('<svg');
  const bundle: Record<string, string> = { [isSvg ? 'image/svg+xml' : 'text/html']: svg, 'text/plain': '[chart]' };
  return { svg, [DISPLAY]: () => bundle };
}

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function cell(v: unknown, digits: number): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(digits);
  return String(v);
}

/** A table for a notebook cell (HTML for Jupyter, aligned text for nbconvert's plain output). */
export function table(rows: readonly Record<string, unknown>[], opts: { digits?: number; limit?: number } = {}): Displayable & { html: string; text: string } {
  const digits = opts.digits ?? 3;
  const shown = rows.slice(0, opts.limit ?? 50);
  const cols = [...new Set(shown.flatMap((r) => Object.keys(r)))];
  const cells = shown.map((r) => cols.map((c) => cell(r[c], digits)));
  const html = `<table><thead><tr>${cols.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr></thead><tbody>${cells
    .map((r) => `<tr>${r.map((v) => `<td>${escapeHtml(v)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>${rows.length > shown.length ? `<p>${rows.length - shown.length} more rows</p>` : ''}`;
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (vs: string[]) => vs.map((v, i) => v.padStart(widths[i] ?? 0)).join('  ');
  const text = [line(cols), ...cells.map(line)].join('\n');
  return { html, text, [DISPLAY]: () => ({ 'text/html': html, 'text/plain': text }) };
}

/** Markdown computed from the data (a notebook's conclusions must come from the numbers, not be typed in). */
export function md(text: string): Displayable {
  return { [DISPLAY]: () => ({ 'text/markdown': text, 'text/plain': text }) };
}
