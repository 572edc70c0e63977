import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dialect } from '../../test/test-env';
import { type BlobStore, createLocalDiskStore } from '../materials';
import { createMemoryLocks } from '../platform/lock/memory-lock';
import { JobRunsRepository, parseJobsConfig, Scheduler } from '../scheduler';
import type { JobDefinition } from '../scheduler/job';
import {
  count,
  type HousekeepingTestDb,
  ids,
  jobContext,
  openHousekeepingTestDb,
} from './housekeeping.test-support';
import { DEFAULT_RETENTION, housekeepingJobs, loadRetentionConfig, parseRetentionConfig } from './index';
import { DAY_MS, HOUR_MS } from './retention-config';

const NOW = Date.UTC(2026, 10, 27, 2, 0, 0);
const now = () => NOW;
const hash = (n: number | string) => String(n).padStart(64, '0').slice(-64);
const sha = (c: string) => c.repeat(64);
const silent = pino({ level: 'silent' });

async function insertExpiredTokens(db: Kysely<any>, n: number) {
  const rows = Array.from({ length: n }, (_, i) => ({
    id: `t-${String(i + 1000).padStart(5, '0')}`,
    family_id: 'f',
    citizen_id: 'c',
    token_hash: hash(i + 1000),
    parent_id: null,
    created_at: NOW - 40 * DAY_MS,
    expires_at: NOW - 10 * DAY_MS,
    used_at: null,
    revoked_at: null,
  }));
  for (let i = 0; i < rows.length; i += 200) {
    await db
      .insertInto('refresh_tokens')
      .values(rows.slice(i, i + 200))
      .execute();
  }
  return rows;
}

type AnyDb = Kysely<any>;

describe(`housekeeping jobs (${dialect})`, () => {
  let t: HousekeepingTestDb;
  let db: AnyDb;
  let blobs: BlobStore;
  let jobs: Map<string, JobDefinition>;
  const job = (name: string) => jobs.get(name)!;

  beforeAll(async () => {
    t = await openHousekeepingTestDb();
    db = t.db;
    blobs = createLocalDiskStore(join(t.env.dataDir, 'blobs'));
    const list = housekeepingJobs({
      db,
      blobs,
      dataDir: t.env.dataDir,
      retention: { ...DEFAULT_RETENTION, batchSize: 100 },
      now,
    });
    jobs = new Map(list.map((j) => [j.name, j]));
  });
  afterAll(async () => t?.close());

  it('registers the five jobs with zh-CN titles', () => {
    expect([...jobs.keys()]).toEqual([
      'housekeeping.sessions',
      'housekeeping.idempotency',
      'housekeeping.materials',
      'housekeeping.audit-archive',
      'housekeeping.retention',
    ]);
    for (const j of jobs.values()) expect(j.title).toMatch(/[\u4e00-\u9fa5]/);
  });

  describe('sessions', () => {
    beforeEach(async () => {
      await db.deleteFrom('refresh_tokens').execute();
      await db.deleteFrom('staff_sessions').execute();
    });

    it('deletes refresh tokens and staff sessions past expiry, and nothing else', async () => {
      const token = (id: string, expiresAt: number, extra = {}) => ({
        id,
        family_id: 'f1',
        citizen_id: 'c1',
        token_hash: hash(id),
        parent_id: null,
        created_at: expiresAt - 30 * DAY_MS,
        expires_at: expiresAt,
        used_at: null,
        revoked_at: null,
        ...extra,
      });
      await db
        .insertInto('refresh_tokens')
        .values([
          token('t-expired', NOW - 1),
          token('t-used-expired', NOW - DAY_MS, { used_at: NOW - 2 * DAY_MS }),
          token('t-valid', NOW + DAY_MS),
          token('t-revoked-valid', NOW + DAY_MS, { revoked_at: NOW - HOUR_MS }),
        ])
        .execute();
      const session = (id: string, expiresAt: number, revokedAt: number | null = null) => ({
        id,
        staff_id: 's1',
        method: 'password',
        ip: '10.0.0.1',
        user_agent: 'test',
        created_at: expiresAt - 12 * HOUR_MS,
        expires_at: expiresAt,
        revoked_at: revokedAt,
      });
      await db
        .insertInto('staff_sessions')
        .values([
          session('s-expired', NOW - 1),
          session('s-alive', NOW + HOUR_MS),
          session('s-revoked', NOW + HOUR_MS, NOW),
        ])
        .execute();

      const outcome = await job('housekeeping.sessions').run(jobContext());

      expect(outcome?.counts).toEqual({ refresh_tokens: 2, staff_sessions: 1 });
      expect(outcome?.summary).toBe('已清理：过期的市民刷新令牌 2 条，过期的工作人员会话 1 条');
      expect(await ids(db, 'refresh_tokens')).toEqual(['t-revoked-valid', 't-valid']);
      expect(await ids(db, 'staff_sessions')).toEqual(['s-alive', 's-revoked']);
    });

    it('works a big backlog in batches, stops on abort and resumes after its checkpoint', async () => {
      const rows = await insertExpiredTokens(db, 1050);
      await db
        .insertInto('refresh_tokens')
        .values({ ...rows[0]!, id: 't-keep', token_hash: hash('keep'), expires_at: NOW + DAY_MS })
        .execute();

      const first = jobContext(null, 3);
      const stopped = await job('housekeeping.sessions').run(first);
      expect(first.progressed).toHaveLength(3);
      expect(stopped?.counts?.refresh_tokens).toBe(300);
      expect(stopped?.checkpoint).toBe('refresh_tokens|["t-01299"]');
      expect(stopped?.summary).toContain('已按关机要求暂停');
      expect(await count(db, 'refresh_tokens')).toBe(1050 - 300 + 1);

      // Expired below the checkpoint after the abort: the resumed run does not go back for it.
      await db
        .insertInto('refresh_tokens')
        .values({ ...rows[0]!, id: 't-00001', token_hash: hash('early') })
        .execute();
      const second = jobContext(stopped!.checkpoint!);
      const resumed = await job('housekeeping.sessions').run(second);
      expect(resumed?.counts?.refresh_tokens).toBe(750);
      expect(second.progressed).toHaveLength(8);
      expect(second.progressed.every((p) => (p.counts?.refresh_tokens ?? 0) <= 750)).toBe(true);
      expect(await ids(db, 'refresh_tokens')).toEqual(['t-00001', 't-keep']);

      // A fresh run (no checkpoint) starts over and takes it.
      expect((await job('housekeeping.sessions').run(jobContext()))?.counts?.refresh_tokens).toBe(1);
    });

    it('under the scheduler: stopped on shutdown mid-backlog, the restarted gateway resumes the run', async () => {
      await db.deleteFrom('job_runs').execute();
      await insertExpiredTokens(db, 700);
      const runs = new JobRunsRepository(db);
      const inner = job('housekeeping.sessions');
      const scheduler = new Scheduler(runs, createMemoryLocks(), parseJobsConfig({ jobs: {} }), silent, {
        instance: 'a',
      });
      let stopping: Promise<void> | undefined;
      scheduler.register({
        ...inner,
        run: (ctx) =>
          inner.run({
            ...ctx,
            progress: async (u) => {
              await ctx.progress(u);
              stopping ??= scheduler.stop(5000);
            },
          }),
      });
      await scheduler.runNow('housekeeping.sessions');
      await stopping;
      const [stopped] = await runs.recent('housekeeping.sessions', 1);
      expect(stopped).toMatchObject({
        status: 'stopped',
        checkpoint: expect.stringMatching(/^refresh_tokens\|\["t-\d{5}"\]$/),
      });
      const left = await count(db, 'refresh_tokens');
      expect(left).toBeGreaterThan(0);
      expect(left).toBeLessThan(700);

      const restarted = new Scheduler(runs, createMemoryLocks(), parseJobsConfig({ jobs: {} }), silent, {
        instance: 'b',
      });
      restarted.register(inner);
      await restarted.runNow('housekeeping.sessions');
      await restarted.stop(1000);
      const [done] = await runs.recent('housekeeping.sessions', 1);
      expect(done).toMatchObject({
        status: 'succeeded',
        counts: JSON.stringify({ refresh_tokens: left, staff_sessions: 0 }),
      });
      expect(await count(db, 'refresh_tokens')).toBe(0);
    });
  });

  it('deletes idempotency keys 24 h after the submission (composite keyset)', async () => {
    const key = (citizen: string, k: string, createdAt: number) => ({
      citizen_id: citizen,
      idem_key: k,
      request_hash: hash(k),
      response_status: 201,
      response_body: '{}',
      case_id: `case-${k}`,
      created_at: createdAt,
    });
    const rows = [];
    for (const c of ['c1', 'c2']) {
      for (let i = 0; i < 120; i++)
        rows.push(key(c, `old-${String(i).padStart(3, '0')}`, NOW - 25 * HOUR_MS));
      rows.push(key(c, 'fresh', NOW - 23 * HOUR_MS));
    }
    await db.insertInto('idempotency_keys').values(rows).execute();
    const ctx = jobContext(null, 2);
    const stopped = await job('housekeeping.idempotency').run(ctx);
    expect(stopped?.counts?.idempotency_keys).toBe(200);
    expect(stopped?.checkpoint).toBe('idempotency_keys|["c2","old-079"]');
    const resumed = await job('housekeeping.idempotency').run(jobContext(stopped!.checkpoint!));
    expect(resumed?.counts?.idempotency_keys).toBe(40);
    expect(await ids(db, 'idempotency_keys', 'idem_key')).toEqual(['fresh', 'fresh']);
  });

  it('deletes orphan materials and their unshared bytes; keeps what a case, a draft or a rights request needs', async () => {
    const material = (
      id: string,
      citizen: string,
      content: string,
      createdAt: number,
      caseId: string | null = null,
    ) => ({
      id,
      citizen_id: citizen,
      sha256: sha(content),
      kind: 'pdf',
      mime: 'application/pdf',
      size_bytes: 10,
      original_name: '身份证明.pdf',
      material_code: id,
      created_at: createdAt,
      case_id: caseId,
    });
    const old = NOW - 25 * HOUR_MS;
    await db
      .insertInto('materials')
      .values([
        material('m-orphan', 'c1', 'a', old),
        material('m-shared-orphan', 'c1', 'b', old),
        material('m-shared-attached', 'c2', 'b', old, 'case-1'),
        material('m-attached', 'c1', 'c', old, 'case-1'),
        material('m-young', 'c1', 'd', NOW - 23 * HOUR_MS),
        material('m-draft', 'c3', 'e', old),
        material('m-rights', 'c4', 'f', old),
      ])
      .execute();
    for (const c of 'abcdef') await blobs.put(sha(c), Buffer.from(c));
    await db
      .insertInto('case_drafts')
      .values({
        citizen_id: 'c3',
        service_code: 'svc',
        form_id: 'f',
        form_version: 1,
        channel: 'wechat',
        form_data: '{}',
        updated_at: NOW - DAY_MS,
      })
      .execute();
    await db
      .insertInto('rights_requests')
      .values({
        id: 'r-open',
        citizen_id: 'c4',
        kind: 'deletion',
        status: 'processing',
        case_id: null,
        request_json: '{}',
        result_json: null,
        decided_by: null,
        created_at: NOW - DAY_MS,
        updated_at: NOW - DAY_MS,
        due_at: NOW + 29 * DAY_MS,
      })
      .execute();

    const outcome = await job('housekeeping.materials').run(jobContext());

    expect(outcome?.counts).toEqual({ materials: 2, blobs: 1 });
    expect(await ids(db, 'materials')).toEqual([
      'm-attached',
      'm-draft',
      'm-rights',
      'm-shared-attached',
      'm-young',
    ]);
    expect(await blobs.has(sha('a'))).toBe(false);
    for (const c of 'bcdef') expect(await blobs.has(sha(c))).toBe(true);
    await db.deleteFrom('case_drafts').execute();
    await db.deleteFrom('rights_requests').execute();
  });

  it('retention: idle drafts, expired exports, finished queue rows and old job runs, nothing else', async () => {
    const old = NOW - 91 * DAY_MS;
    const draft = (citizen: string, updatedAt: number) => ({
      citizen_id: citizen,
      service_code: 'svc',
      form_id: 'f',
      form_version: 1,
      channel: 'wechat',
      form_data: '{}',
      updated_at: updatedAt,
    });
    await db
      .insertInto('case_drafts')
      .values([draft('c-idle', old), draft('c-recent', NOW - 89 * DAY_MS), draft('c-rights', old)])
      .execute();
    const request = (id: string, citizen: string, kind: string, status: string, createdAt: number) => ({
      id,
      citizen_id: citizen,
      kind,
      status,
      case_id: null,
      request_json: '{}',
      result_json: null,
      decided_by: null,
      created_at: createdAt,
      updated_at: createdAt,
      due_at: createdAt + 30 * DAY_MS,
    });
    await db
      .insertInto('rights_requests')
      .values([
        request('r-export-old', 'c1', 'export', 'completed', NOW - 8 * DAY_MS),
        request('r-export-new', 'c1', 'export', 'completed', NOW - 6 * DAY_MS),
        request('r-correction-old', 'c1', 'correction', 'completed', NOW - 400 * DAY_MS),
        request('r-open', 'c-rights', 'correction', 'submitted', NOW - DAY_MS),
      ])
      .execute();
    const delivery = (id: string, status: string, finishedAt: number | null) => ({
      id,
      outbox_id: null,
      parent_id: null,
      route: 'r',
      topic: 't',
      destination: 'dingtalk',
      delivery_key: id,
      order_key: 'k',
      order_at: 0,
      order_seq: id,
      payload: '{}',
      status,
      attempts: 1,
      next_attempt_at: 0,
      lease_owner: null,
      lease_until: null,
      last_error: null,
      reference: null,
      edits: null,
      created_at: NOW - 40 * DAY_MS,
      updated_at: NOW - 40 * DAY_MS,
      finished_at: finishedAt,
    });
    await db
      .insertInto('deliveries')
      .values([
        delivery('d-delivered-old', 'delivered', NOW - 31 * DAY_MS),
        delivery('d-delivered-new', 'delivered', NOW - 29 * DAY_MS),
        delivery('d-dead-old', 'dead', NOW - 31 * DAY_MS),
        delivery('d-pending', 'pending', null),
      ])
      .execute();
    const inbox = (id: string, status: string, processedAt: number | null) => ({
      id,
      source: 'dingtalk',
      dedupe_key: id,
      event_type: 'e',
      payload: '{}',
      status,
      attempts: 1,
      next_attempt_at: 0,
      lease_owner: null,
      lease_until: 0,
      last_error: null,
      received_at: NOW - 40 * DAY_MS,
      processed_at: processedAt,
    });
    await db
      .insertInto('callback_inbox')
      .values([
        inbox('i-done-old', 'done', NOW - 31 * DAY_MS),
        inbox('i-done-new', 'done', NOW - DAY_MS),
        inbox('i-dead-old', 'dead', NOW - 31 * DAY_MS),
      ])
      .execute();
    const outbox = (id: string, status: string, createdAt: number) => ({
      id,
      topic: 't',
      aggregate_type: 'case',
      aggregate_id: 'a',
      dedupe_key: id,
      payload: '{}',
      status,
      attempts: 0,
      next_attempt_at: 0,
      last_error: null,
      created_at: createdAt,
    });
    await db
      .insertInto('outbox')
      .values([
        outbox('o-routed-old', 'routed', NOW - 31 * DAY_MS),
        outbox('o-routed-new', 'routed', NOW - DAY_MS),
        outbox('o-pending-old', 'pending', NOW - 31 * DAY_MS),
      ])
      .execute();
    const run = (id: string, jobName: string, status: string, startedAt: number) => ({
      id,
      job: jobName,
      slot_at: startedAt,
      reason: 'scheduled',
      instance: 'i',
      status,
      started_at: startedAt,
      finished_at: status === 'running' ? null : startedAt + 1000,
      counts: null,
      summary: null,
      checkpoint: null,
      error: null,
    });
    await db.deleteFrom('job_runs').execute();
    await db
      .insertInto('job_runs')
      .values([
        run('j-a-old', 'a', 'succeeded', NOW - 100 * DAY_MS),
        run('j-a-new', 'a', 'succeeded', NOW - DAY_MS),
        run('j-b-only', 'b', 'stopped', NOW - 100 * DAY_MS),
        run('j-c-running', 'c', 'running', NOW - 100 * DAY_MS),
        run('j-c-older', 'c', 'failed', NOW - 101 * DAY_MS),
      ])
      .execute();

    const outcome = await job('housekeeping.retention').run(jobContext());

    expect(outcome?.counts).toEqual({
      case_drafts: 1,
      rights_exports: 1,
      deliveries: 1,
      callback_inbox: 1,
      outbox: 1,
      reconcile_drift: 0,
      job_runs: 2,
    });
    expect(outcome?.summary).toContain('未部署而跳过：reconcile_drift');
    expect(await ids(db, 'case_drafts', 'citizen_id')).toEqual(['c-recent', 'c-rights']);
    expect(await ids(db, 'rights_requests')).toEqual(['r-correction-old', 'r-export-new', 'r-open']);
    expect(await ids(db, 'deliveries')).toEqual(['d-dead-old', 'd-delivered-new', 'd-pending']);
    expect(await ids(db, 'callback_inbox')).toEqual(['i-dead-old', 'i-done-new']);
    expect(await ids(db, 'outbox')).toEqual(['o-pending-old', 'o-routed-new']);
    expect(await ids(db, 'job_runs')).toEqual(['j-a-new', 'j-b-only', 'j-c-running']);
  });
});

describe('retention configuration', () => {
  it('refuses audit retention below 180 days, and other periods below their floor', () => {
    expect(() => parseRetentionConfig({ auditOnlineDays: 179 })).toThrow(
      /auditOnlineDays: 审计日志在线保存不得少于 180 天/,
    );
    expect(() => parseRetentionConfig({ idempotencyKeyHours: 1 })).toThrow(/idempotencyKeyHours/);
    expect(() => parseRetentionConfig({ draftIdleDays: -1 })).toThrow(/draftIdleDays: 应为非负整数/);
    expect(() => parseRetentionConfig({ draftIdelDays: 3 })).toThrow(/未知的配置项/);
    expect(parseRetentionConfig({ auditOnlineDays: 365 }).auditOnlineDays).toBe(365);
  });

  it('ships config/retention.json with the defaults, and refuses a file below 180 days at start', () => {
    expect(loadRetentionConfig()).toEqual(DEFAULT_RETENTION);
    const file = join(mkdtempSync(join(tmpdir(), 'gcrm-retention-')), 'retention.json');
    writeFileSync(file, JSON.stringify({ auditOnlineDays: 90 }));
    expect(() => loadRetentionConfig(file)).toThrow(/180/);
  });
});
