import type { Warehouse } from '../../core/warehouse.ts';

interface RunRow extends Record<string, unknown> {
  run_id: string;
  as_of: string;
  status: string;
  published: boolean;
  started_at: string;
  finished_at: string | null;
  error: string | null;
}

interface StageRow extends Record<string, unknown> {
  stage: string;
  seq: number;
  status: string;
  rows: string | null;
  started_at: string;
  finished_at: string | null;
  error: string | null;
}

const RUN_COLUMNS = `run_id::varchar as run_id, as_of::varchar as as_of, status, published,
  strftime(started_at, '%Y-%m-%dT%H:%M:%S.%gZ') as started_at, strftime(finished_at, '%Y-%m-%dT%H:%M:%S.%gZ') as finished_at, error`;

const toRun = (r: RunRow) => ({
  runId: r.run_id,
  asOf: r.as_of,
  status: r.status,
  published: Boolean(r.published),
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  error: r.error,
});

export async function listRuns(wh: Warehouse, limit: number) {
  const rows = await wh.all<RunRow>(`select ${RUN_COLUMNS} from pipeline_runs order by run_id desc limit $1`, [limit]);
  return rows.map(toRun);
}

export async function getRun(wh: Warehouse, runId: number) {
  const run = await wh.one<RunRow>(`select ${RUN_COLUMNS} from pipeline_runs where run_id = $1`, [runId]);
  if (!run) return undefined;
  const stages = await wh.all<StageRow>(
    `select stage, seq, status, rows::varchar as rows,
            strftime(started_at, '%Y-%m-%dT%H:%M:%S.%gZ') as started_at, strftime(finished_at, '%Y-%m-%dT%H:%M:%S.%gZ') as finished_at, error
     from pipeline_stage_runs where run_id = $1 order by seq`,
    [runId],
  );
  return {
    ...toRun(run),
    stages: stages.map((s) => ({
      stage: s.stage,
      seq: Number(s.seq),
      status: s.status,
      rows: s.rows === null ? null : Number(s.rows),
      startedAt: s.started_at,
      finishedAt: s.finished_at,
      error: s.error,
    })),
  };
}
