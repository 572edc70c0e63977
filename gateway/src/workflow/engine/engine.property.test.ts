import type { FlowNode } from '@gcrm/config/catalog';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors';
import type { TaskRow } from './rows';
import { approver, cc, condition, parallel, Sim } from './testing';

// Flow shapes: approver / parallel / condition trees (and cc nodes, which pass at once); ids are given
// when a shape is built.
type Shape =
  | { kind: 'approver'; mode: 'sequential' | 'all' | 'any'; people: string[]; claim: boolean }
  | { kind: 'cc' }
  | { kind: 'parallel'; branches: { optional: boolean; nodes: Shape[] }[] }
  | { kind: 'condition'; branches: Shape[][] };

const STAFF = ['hr-1', 'hr-2', 'hr-3', 'hr-chief'];

const { seq } = fc.letrec<{ node: Shape; seq: Shape[] }>((tie) => ({
  node: fc.oneof(
    { maxDepth: 3, depthIdentifier: 'flow' },
    fc.record({
      kind: fc.constant('approver' as const),
      mode: fc.constantFrom('sequential' as const, 'all' as const, 'any' as const),
      people: fc.subarray(STAFF, { minLength: 0, maxLength: 3 }),
      claim: fc.boolean(),
    }),
    fc.record({ kind: fc.constant('cc' as const) }),
    fc.record({
      kind: fc.constant('parallel' as const),
      branches: fc.array(fc.record({ optional: fc.boolean(), nodes: tie('seq') }), {
        minLength: 2,
        maxLength: 3,
      }),
    }),
    fc.record({
      kind: fc.constant('condition' as const),
      branches: fc.array(tie('seq'), { minLength: 2, maxLength: 3 }),
    }),
  ),
  seq: fc.array(tie('node'), { minLength: 0, maxLength: 3, depthIdentifier: 'flow' }),
}));

function build(shapes: Shape[], next: { id: number }): FlowNode[] {
  return shapes.map((shape) => buildNode(shape, `n${++next.id}`, next));
}

function buildNode(shape: Shape, id: string, next: { id: number }): FlowNode {
  if (shape.kind === 'approver') {
    return approver(id, shape.people, { mode: shape.mode, claim: shape.mode === 'any' && shape.claim });
  }
  if (shape.kind === 'cc') return cc(id, ['tax-1']);
  if (shape.kind === 'parallel') {
    return parallel(
      id,
      shape.branches.map((b, i) => ({
        name: `分支${i}`,
        when: b.optional ? { fact: 'form.optional', operator: 'equal', value: true } : undefined,
        nodes: build(b.nodes, next),
      })),
    );
  }
  const last = shape.branches.length - 1;
  return condition(
    id,
    shape.branches.map((nodes, i) =>
      i === last
        ? { name: '默认', default: true, nodes: build(nodes, next) }
        : {
            name: `分支${i}`,
            when: { fact: 'form.pick', operator: 'equal', value: i },
            nodes: build(nodes, next),
          },
    ),
  );
}

const flows = fc.record({
  nodes: seq.filter((s) => s.length > 0).map((s) => build(s, { id: 0 })),
  form: fc.record({ pick: fc.integer({ min: 0, max: 2 }), optional: fc.boolean() }),
});

/** What must hold after every command, whatever the flow and the commands. */
function checkInvariants(sim: Sim): void {
  const rows = new Map(sim.state.nodes.map((n) => [n.id, n]));
  const live = sim.state.tasks.filter(
    (t) => t.kind === 'approval' && (t.status === 'open' || t.status === 'waiting'),
  );
  for (const t of live) {
    expect(rows.get(t.node_instance_id)?.status, `task ${t.id} of ${t.node_id} on a closed node`).toBe(
      'active',
    );
  }
  const activeIds = new Set(sim.state.nodes.filter((n) => n.status === 'active').map((n) => n.node_id));
  for (const id of activeIds) {
    for (const [container] of sim.index.place(id).chain) {
      expect(activeIds.has(container), `${id} runs inside ${container}, which does not`).toBe(true);
    }
  }
  const status = sim.instance.status;
  if (status === 'running') {
    // No automatic nodes here: a running case always waits for somebody.
    expect(
      live.some((t) => t.status === 'open'),
      'running case without an open task',
    ).toBe(true);
  } else {
    expect(live, `open tasks in a ${status} case`).toEqual([]);
  }
  if (status !== 'running' && status !== 'correction') expect([...activeIds]).toEqual([]);
  const seqs = sim.history.map((h) => h.seq);
  expect(seqs, 'history out of order').toEqual([...seqs].sort((a, b) => a - b));
  expect(new Set(seqs).size, 'history seq repeated').toBe(seqs.length);
  expect(new Set(sim.messages.map((m) => m.dedupeKey)).size, 'dedupe key repeated').toBe(sim.messages.length);
}

/** Whoever may act on the task (a candidate of a group task). */
const actor = (task: TaskRow, pick: number) =>
  task.assignee_id ?? task.candidates![pick % task.candidates!.length]!;

function approveToTheEnd(sim: Sim): void {
  for (let guard = 0; guard < 500; guard++) {
    if (sim.instance.status === 'correction') sim.resume();
    const task = sim.open()[0];
    if (!task) break;
    sim.approve(task, actor(task, 0));
    checkInvariants(sim);
  }
  expect(sim.open()).toEqual([]);
  expect(sim.instance.status).toBe('approved');
  expect(sim.progressLog().at(-1)).toBe('completed→completed');
}

describe('engine properties', () => {
  it('approving whatever is open, in any order, always ends the case approved', () => {
    fc.assert(
      fc.property(flows, fc.array(fc.nat(), { maxLength: 40 }), ({ nodes, form }, picks) => {
        const sim = new Sim(nodes, { form }).start();
        checkInvariants(sim);
        for (const pick of picks) {
          const open = sim.open();
          const task = open[pick % open.length];
          if (!task) break;
          sim.approve(task, actor(task, pick));
          checkInvariants(sim);
        }
        approveToTheEnd(sim);
      }),
      { numRuns: 300 },
    );
  });

  it('any mix of commands keeps the invariants; only AppErrors are thrown', () => {
    const command = fc.record({
      op: fc.constantFrom('approve', 'approve', 'approve', 'sendBack', 'transfer', 'add', 'claim', 'resume'),
      pick: fc.nat(),
      position: fc.constantFrom('before' as const, 'after' as const, 'parallel' as const),
    });
    fc.assert(
      fc.property(flows, fc.array(command, { maxLength: 30 }), ({ nodes, form }, commands) => {
        const sim = new Sim(nodes, { form }).start();
        for (const { op, pick, position } of commands) {
          const open = sim.open();
          const task = open[pick % Math.max(open.length, 1)];
          const by = task ? actor(task, pick) : '';
          const other = STAFF[pick % STAFF.length]!;
          try {
            if (op === 'resume') sim.resume();
            else if (!task) continue;
            else if (op === 'approve') sim.approve(task, by);
            else if (op === 'claim') sim.claim(task, other);
            else if (op === 'transfer') sim.transfer(task, other, by);
            else if (op === 'add') sim.addApprovers(task, [other], position, by);
            else {
              const targets = [...sim.returnTargets(task.node_id), 'previous', 'applicant'];
              sim.sendBack(task, targets[pick % targets.length]!, by);
            }
          } catch (error) {
            if (!(error instanceof AppError)) throw error;
          }
          checkInvariants(sim);
        }
        approveToTheEnd(sim);
      }),
      { numRuns: 300 },
    );
  });
});
