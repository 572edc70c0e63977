import { describe, expect, it } from 'vitest';
import { APPROVER_TASK_IDS, type BpmnCaseReport, runBpmnAnchor, runBpmnCase } from './bpmn-anchor';

describe('bpmn-engine anchor (3-way parallel approval)', () => {
  it('runs one case to the end with each approver task signalled once', async () => {
    const report = await runBpmnCase(1);
    expect([...report.signalled].sort()).toEqual([...APPROVER_TASK_IDS]);
    expect(report.actionMs).toHaveLength(3);
    expect(report.joinCompletions).toBe(1);
    expect(report.endEventReached).toBe(true);
  });

  it('completes 20 cases, each with exactly 3 user tasks signalled, and reports sane figures', async () => {
    const reports: BpmnCaseReport[] = [];
    const result = await runBpmnAnchor({
      cases: 20,
      concurrency: 4,
      warmup: 3,
      onCase: (r) => reports.push(r),
    });

    expect(reports).toHaveLength(20); // warm-up cases are not reported
    for (const report of reports) {
      expect(report.signalled).toHaveLength(3);
      expect([...report.signalled].sort()).toEqual([...APPROVER_TASK_IDS]);
      expect(report.actionMs).toHaveLength(3);
      expect(report.joinCompletions).toBe(1);
      expect(report.endEventReached).toBe(true);
      for (const ms of report.actionMs) {
        expect(Number.isFinite(ms)).toBe(true);
        expect(ms).toBeGreaterThanOrEqual(0);
      }
    }

    expect(result.cases).toBe(20);
    expect(result.seconds).toBeGreaterThan(0);
    expect(result.casesPerSec).toBeCloseTo(result.cases / result.seconds, 6);
    expect(result.p99ActionMs).toBeGreaterThan(0);
    expect(result.p99ActionMs).toBeLessThanOrEqual(result.seconds * 1000);
    const slowest = Math.max(...reports.flatMap((r) => r.actionMs));
    expect(result.p99ActionMs).toBeLessThanOrEqual(slowest);
  });

  it('rejects nonsensical options', async () => {
    await expect(runBpmnAnchor({ cases: 0, concurrency: 1 })).rejects.toThrow(/cases/);
    await expect(runBpmnAnchor({ cases: 1, concurrency: 0 })).rejects.toThrow(/concurrency/);
  });
});
