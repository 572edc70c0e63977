import type { Context } from 'koa';
import type { Db } from '../platform/db/database';
import { errors } from '../platform/errors';
import type { JsonSchema, RouteDefiner } from '../platform/http/route';

const ListQuery: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    job: { type: 'string', pattern: '^[a-z][a-z0-9.-]{1,63}$' },
    runId: { type: 'string', format: 'uuid' },
    outcome: { enum: ['repaired', 'needs_person'] },
    cursor: { type: 'string', pattern: '^[0-9]{1,15}_[0-9a-f-]{36}$' },
    limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
  },
};

const RunParams: JsonSchema = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', format: 'uuid' } },
};

const OUTCOME_TEXT: Record<string, string> = { repaired: '已自动修复', needs_person: '需人工处理' };

interface DriftRow {
  id: string;
  run_id: string;
  job: string;
  kind: string;
  ref: string;
  external_id: string | null;
  outcome: string;
  note: string;
  created_at: number | string;
}

const present = (r: DriftRow) => ({
  id: r.id,
  runId: r.run_id,
  job: r.job,
  kind: r.kind,
  ref: r.ref,
  externalId: r.external_id,
  outcome: r.outcome,
  outcomeText: OUTCOME_TEXT[r.outcome] ?? r.outcome,
  note: r.note,
  createdAt: new Date(Number(r.created_at)).toISOString(),
});

/**
 * The drift reports of reconcile runs (系统管理员, `jobs.manage`): every difference found, newest first,
 * filtered by job, run and outcome ("what needs a person"), and one run's report with counts per kind.
 */
export function driftRoutes(api: RouteDefiner, db: Db) {
  api.define({
    method: 'get',
    path: '/admin/reconcile/drift',
    operationId: 'listDrift',
    summary: '对账发现的差异（可按任务、运行、处理结果筛选）',
    tags: ['admin'],
    auth: 'staff',
    permission: 'jobs.manage',
    query: ListQuery,
    responses: {
      200: { description: '差异列表，新的在前', schema: { type: 'object', required: ['items'] } },
    },
    handler: async (ctx: Context) => {
      const q = ctx.state.query as {
        job?: string;
        runId?: string;
        outcome?: string;
        cursor?: string;
        limit?: number;
      };
      const limit = q.limit ?? 50;
      let query = db.selectFrom('reconcile_drift').selectAll();
      if (q.job) query = query.where('job', '=', q.job);
      if (q.runId) query = query.where('run_id', '=', q.runId);
      if (q.outcome) query = query.where('outcome', '=', q.outcome);
      if (q.cursor) {
        const [at, id] = q.cursor.split('_') as [string, string];
        query = query.where((eb) =>
          eb.or([
            eb('created_at', '<', Number(at)),
            eb.and([eb('created_at', '=', Number(at)), eb('id', '<', id)]),
          ]),
        );
      }
      const rows = (await query
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute()) as DriftRow[];
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      ctx.body = {
        items: page.map(present),
        ...(rows.length > limit && last ? { next: `${Number(last.created_at)}_${last.id}` } : {}),
      };
    },
  });
  api.define({
    method: 'get',
    path: '/admin/reconcile/runs/:id',
    operationId: 'driftReport',
    summary: '一次对账运行的差异报告（按差异类型计数，已修复与需人工处理）',
    tags: ['admin'],
    auth: 'staff',
    permission: 'jobs.manage',
    params: RunParams,
    responses: { 200: { description: '差异报告' }, 404: { description: '没有这次运行' } },
    handler: async (ctx: Context) => {
      const id = (ctx.state.params as { id: string }).id;
      const run = await db
        .selectFrom('job_runs')
        .select(['id', 'job', 'status', 'started_at', 'finished_at'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (!run) throw errors.notFound('run_not_found', '没有这次运行记录');
      const counts = (await db
        .selectFrom('reconcile_drift')
        .select(['kind', 'outcome', (eb) => eb.fn.countAll<number>().as('n')])
        .where('run_id', '=', id)
        .groupBy(['kind', 'outcome'])
        .execute()) as { kind: string; outcome: string; n: number | string }[];
      const byKind: Record<string, { repaired: number; needsPerson: number }> = {};
      for (const c of counts) {
        const slot = byKind[c.kind] ?? { repaired: 0, needsPerson: 0 };
        if (c.outcome === 'repaired') slot.repaired += Number(c.n);
        else slot.needsPerson += Number(c.n);
        byKind[c.kind] = slot;
      }
      const needsPerson = (await db
        .selectFrom('reconcile_drift')
        .selectAll()
        .where('run_id', '=', id)
        .where('outcome', '=', 'needs_person')
        .orderBy('created_at')
        .orderBy('id')
        .limit(200)
        .execute()) as DriftRow[];
      ctx.body = {
        runId: run.id,
        job: run.job,
        status: run.status,
        startedAt: new Date(Number(run.started_at)).toISOString(),
        finishedAt: run.finished_at ? new Date(Number(run.finished_at)).toISOString() : null,
        byKind,
        repaired: Object.values(byKind).reduce((n, k) => n + k.repaired, 0),
        needsPerson: Object.values(byKind).reduce((n, k) => n + k.needsPerson, 0),
        needsPersonItems: needsPerson.map(present),
      };
    },
  });
}
