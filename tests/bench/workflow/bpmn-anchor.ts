/**
 * Anchor for `bench:workflow`: the same 3-way parallel approval that our engine runs (persisted in MySQL),
 * executed by bpmn-engine (https://github.com/paed01/bpmn-engine) in memory, without persistence.
 *
 *   start → parallelGateway (fork) → 3 × userTask (approver of each department) → parallelGateway (join) → end
 *
 * How bpmn-engine is used, per its docs (docs/API.md, docs/Examples.md of bpmn-engine 25.0.1, and bpmn-elements'
 * docs/Context.md, docs/SharedApi.md, docs/SignalTask.md):
 * - One `Engine` per process instance: an engine is one execution of its definitions (`execute()` once,
 *   `waitFor('end')`), so each case gets `new Engine({ name, sourceContext })`.
 * - The XML is parsed and serialized ONCE per module: bpmn-moddle `fromXML` → moddle-context-serializer
 *   `serialize(moddleContext, TypeResolver(elements))`, and that `sourceContext` is passed to every engine
 *   (the `sourceContext` option of `new Engine()`, as in the "Traverse activities" example and the
 *   `addSource({ sourceContext })` docs). Passing `source` (XML) would re-parse the XML in every engine, and
 *   passing `moddleContext` would re-serialize it in every engine; neither is per-case work in a real
 *   deployment, where a definition is deployed once. The serialized context is a read-only lookup that
 *   bpmn-elements' `Context` only reads from (it builds fresh activity/flow instances per engine; the engine
 *   itself shares it between the process contexts it clones), so sharing it between concurrent engines is safe.
 * - User tasks are completed from the execution `listener` (an EventEmitter passed to `execute({ listener })`):
 *   on its `wait` event (documented alias of `activity.wait`) the simulated staff action calls the element
 *   api's `signal(message)` (bpmn-elements SharedApi) with the approver's decision.
 * - The engine keeps its default options (default debug logger, disabled unless DEBUG is set; default
 *   scripts/expressions): no tuning either way.
 *
 * The staff action is issued with `queueMicrotask`, i.e. as soon as the engine has finished dispatching the
 * `wait` (no timer, no artificial delay), but as its own top-level call instead of re-entering the engine from
 * inside its event dispatch. That makes every action a separate, measurable step, like a staff request to our
 * engine. bpmn-elements processes a signal synchronously (smqp delivers messages synchronously), so the
 * measured action time is the time the engine needs to move the case on.
 *
 * Per-action latency: from just before `api.signal()` until the engine has processed the action, i.e. until the
 * signalled task's `activity.leave` for the first two tasks of a case, and until the engine's `end` (join
 * gateway fired, end event reached, definition completed) for the last one.
 */
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { Api, ElementBase } from 'bpmn-elements';
import * as elements from 'bpmn-elements';
import { Engine } from 'bpmn-engine';
import serialize, { type SerializableContext, TypeResolver } from 'moddle-context-serializer';

export interface AnchorResult {
  cases: number;
  seconds: number;
  casesPerSec: number;
  p99ActionMs: number;
}

/** What one process instance did: which user tasks were signalled, in order, and how long each action took. */
export interface BpmnCaseReport {
  signalled: string[];
  actionMs: number[];
  /** How often the joining parallel gateway completed (1 for a correct run). */
  joinCompletions: number;
  endEventReached: boolean;
}

export const APPROVAL_PROCESS_ID = 'parallelApproval';
export const APPROVER_TASK_IDS = ['approveDeptA', 'approveDeptB', 'approveDeptC'] as const;

/** The process definition, defined once. Valid BPMN 2.0 (bpmn-moddle reports no warnings for it). */
export const APPROVAL_BPMN = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  id="approvalDefinitions" targetNamespace="http://gcrm.local/bpmn/bench">
  <bpmn:process id="${APPROVAL_PROCESS_ID}" name="Three-department parallel approval" isExecutable="true">
    <bpmn:startEvent id="start" name="Case submitted">
      <bpmn:outgoing>toFork</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:parallelGateway id="fork" name="Fork">
      <bpmn:incoming>toFork</bpmn:incoming>
      <bpmn:outgoing>toDeptA</bpmn:outgoing>
      <bpmn:outgoing>toDeptB</bpmn:outgoing>
      <bpmn:outgoing>toDeptC</bpmn:outgoing>
    </bpmn:parallelGateway>
    <bpmn:userTask id="approveDeptA" name="Approval by department A">
      <bpmn:incoming>toDeptA</bpmn:incoming>
      <bpmn:outgoing>fromDeptA</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:userTask id="approveDeptB" name="Approval by department B">
      <bpmn:incoming>toDeptB</bpmn:incoming>
      <bpmn:outgoing>fromDeptB</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:userTask id="approveDeptC" name="Approval by department C">
      <bpmn:incoming>toDeptC</bpmn:incoming>
      <bpmn:outgoing>fromDeptC</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:parallelGateway id="join" name="Join">
      <bpmn:incoming>fromDeptA</bpmn:incoming>
      <bpmn:incoming>fromDeptB</bpmn:incoming>
      <bpmn:incoming>fromDeptC</bpmn:incoming>
      <bpmn:outgoing>toEnd</bpmn:outgoing>
    </bpmn:parallelGateway>
    <bpmn:endEvent id="end" name="Case approved">
      <bpmn:incoming>toEnd</bpmn:incoming>
    </bpmn:endEvent>
    <bpmn:sequenceFlow id="toFork" sourceRef="start" targetRef="fork" />
    <bpmn:sequenceFlow id="toDeptA" sourceRef="fork" targetRef="approveDeptA" />
    <bpmn:sequenceFlow id="toDeptB" sourceRef="fork" targetRef="approveDeptB" />
    <bpmn:sequenceFlow id="toDeptC" sourceRef="fork" targetRef="approveDeptC" />
    <bpmn:sequenceFlow id="fromDeptA" sourceRef="approveDeptA" targetRef="join" />
    <bpmn:sequenceFlow id="fromDeptB" sourceRef="approveDeptB" targetRef="join" />
    <bpmn:sequenceFlow id="fromDeptC" sourceRef="approveDeptC" targetRef="join" />
    <bpmn:sequenceFlow id="toEnd" sourceRef="join" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;

/**
 * bpmn-moddle (bpmn-engine's own XML parser) ships no type declarations and @types/bpmn-moddle is only a
 * devDependency of bpmn-engine, so the one call used here is typed locally and the module is imported through a
 * `string`-typed specifier (a literal one would be a TS7016 error under `strict`).
 */
interface BpmnModdleParser {
  fromXML(xml: string): Promise<{ warnings?: { message: string }[] }>;
}
const BPMN_MODDLE: string = 'bpmn-moddle';

let sourceContextPromise: Promise<SerializableContext> | undefined;

/** Parses and serializes APPROVAL_BPMN once; every engine reuses the result (see the header comment). */
export function approvalSourceContext(): Promise<SerializableContext> {
  sourceContextPromise ??= (async () => {
    const { default: BpmnModdle } = (await import(BPMN_MODDLE)) as { default: new () => BpmnModdleParser };
    const moddleContext = await new BpmnModdle().fromXML(APPROVAL_BPMN);
    const warnings = moddleContext.warnings ?? [];
    if (warnings.length > 0) {
      throw new Error(`invalid BPMN: ${warnings.map((w) => w.message).join('; ')}`);
    }
    return serialize(moddleContext, TypeResolver(elements));
  })();
  return sourceContextPromise;
}

const USER_TASK = 'bpmn:UserTask';

/**
 * Runs one process instance in its own Engine and completes each user task with a simulated staff action as
 * soon as it waits. Resolves after the engine's `end`; rejects on the engine's `error`.
 */
export async function runBpmnCase(caseNo: number): Promise<BpmnCaseReport> {
  const sourceContext = await approvalSourceContext();
  const engine = new Engine({ name: `approval-${caseNo}`, sourceContext });
  const listener = new EventEmitter();
  const report: BpmnCaseReport = { signalled: [], actionMs: [], joinCompletions: 0, endEventReached: false };
  const started = new Map<string, number>();
  let left = 0;
  let finalActionStart: number | undefined;
  let problem: string | undefined;

  listener.on('wait', (api: Api<ElementBase>) => {
    if (api.type !== USER_TASK) return;
    queueMicrotask(() => {
      report.signalled.push(api.id);
      started.set(api.id, performance.now());
      api.signal({ decision: 'approved', approver: `staff-${api.id}`, caseNo });
    });
  });
  listener.on('activity.end', (api: Api<ElementBase>) => {
    if (api.id === 'join') report.joinCompletions += 1;
    else if (api.id === 'end') report.endEventReached = true;
  });
  listener.on('activity.leave', (api: Api<ElementBase>) => {
    if (api.type !== USER_TASK) return;
    const t0 = started.get(api.id);
    if (t0 === undefined) {
      problem ??= `user task ${api.id} left without being signalled`;
      return;
    }
    left += 1;
    // The last approval is done only when the join has fired and the engine has ended.
    if (left === APPROVER_TASK_IDS.length) finalActionStart = t0;
    else report.actionMs.push(performance.now() - t0);
  });

  // Subscribe before execute(): the whole run may complete before execute()'s promise settles. The end time is
  // taken in the engine's own (synchronous) `end` emit: after `await ended` other cases' queued work would be in it.
  let endedAt = 0;
  engine.once('end', () => {
    endedAt = performance.now();
  });
  const ended = engine.waitFor('end');
  await engine.execute({ listener, variables: { caseNo } });
  await ended;
  if (problem) throw new Error(`case ${caseNo}: ${problem}`);
  if (finalActionStart === undefined) throw new Error(`case ${caseNo} ended before all approvals left`);
  report.actionMs.push(endedAt - finalActionStart);
  return report;
}

function p99(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)]!;
}

async function runPool(
  total: number,
  concurrency: number,
  firstCaseNo: number,
  onReport: (r: BpmnCaseReport) => void,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < total) {
      const caseNo = firstCaseNo + next++;
      const report = await runBpmnCase(caseNo);
      if (report.signalled.length !== APPROVER_TASK_IDS.length) {
        throw new Error(`case ${caseNo}: ${report.signalled.length} user tasks signalled, expected 3`);
      }
      onReport(report);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
}

/** Runs `cases` process instances of the 3-way parallel approval in bpmn-engine with at most `concurrency` in flight; each user task is completed by a simulated staff action (signal) as soon as it waits. */
export async function runBpmnAnchor(options: {
  cases: number;
  concurrency: number;
  warmup?: number;
  /** Called with the report of each measured case (not the warm-up ones), e.g. for tests. */
  onCase?: (report: BpmnCaseReport) => void;
}): Promise<AnchorResult> {
  const { cases, concurrency, warmup = 0, onCase } = options;
  if (!Number.isInteger(cases) || cases < 1) throw new Error('cases must be a positive integer');
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new Error('concurrency must be a positive integer');
  if (!Number.isInteger(warmup) || warmup < 0) throw new Error('warmup must be a non-negative integer');

  await approvalSourceContext();
  if (warmup > 0) await runPool(warmup, concurrency, 1, () => {});

  const actionMs: number[] = [];
  let completed = 0;
  const t0 = performance.now();
  await runPool(cases, concurrency, warmup + 1, (report) => {
    completed += 1;
    for (const ms of report.actionMs) actionMs.push(ms);
    onCase?.(report);
  });
  const seconds = (performance.now() - t0) / 1000;

  return { cases: completed, seconds, casesPerSec: completed / seconds, p99ActionMs: p99(actionMs) };
}
