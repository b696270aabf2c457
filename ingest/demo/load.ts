/** Loads a generated demo set through the normal ingest path (`ingestFiles`), never around it. */
import type { Warehouse } from '../../core/warehouse.ts';
import { ingestFiles, type IngestResult } from '../index.ts';
import type { DemoResult } from './index.ts';

export interface LoadDemoOptions {
  /** Bytes of input loaded so far of the total. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface DemoLoad {
  readonly results: readonly IngestResult[];
  readonly ms: number;
  /** Files that did not load cleanly (a generator bug: the demo must load with zero rejects). */
  readonly problems: readonly string[];
}

export async function loadDemo(wh: Warehouse, demo: DemoResult, options: LoadDemoOptions = {}): Promise<DemoLoad> {
  const t0 = performance.now();
  const results = await ingestFiles(wh, [...demo.files], { onProgress: options.onProgress });
  const problems = results
    .filter((r) => r.status !== 'loaded' || r.rowsRejected > 0)
    .map((r) => `${r.file}: ${r.status}, ${r.rowsRejected} rejected${r.message ? ` (${r.message})` : ''}`);
  return { results, ms: performance.now() - t0, problems };
}
