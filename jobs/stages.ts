/**
 * The pipeline's stages, in order. Each capability adds its stage here:
 * ingest drop folder → cash application → models → scores → forecast → worklists.
 * All but the drop folder run inside the run's publish transaction (pipeline.ts).
 */
import type { Config } from '../core/config.ts';
import type { Warehouse } from '../core/warehouse.ts';
import { cashApplicationStage } from '../scoring/cash-application/stage.ts';
import { modelsStage } from '../models/stage.ts';
import { scoresStage } from '../scoring/stage.ts';
import { worklistStage } from './worklists-stage.ts';
import { dropStage } from './drop-stage.ts';
import { forecastStage } from './forecast-stage.ts';

export interface StageContext {
  readonly wh: Warehouse;
  readonly config: Config;
  readonly asOf: string;
  readonly runId: string;
  readonly log: (message: string) => void;
}

export interface Stage {
  readonly name: string;
  /**
   * True for a stage that commits as it goes on the shared handle, before the run's publish transaction
   * opens (such stages must come first). Every other stage gets a `wh` inside that transaction: its
   * writes become visible to readers only when the whole run is published.
   */
  readonly commitsOwnWrites?: boolean;
  run(ctx: StageContext): Promise<{ rows: number }>;
}

export const stages: readonly Stage[] = [dropStage, cashApplicationStage, modelsStage, scoresStage, forecastStage, worklistStage];
