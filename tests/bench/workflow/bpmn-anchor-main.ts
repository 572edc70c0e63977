/**
 * Runs the bpmn-engine anchor of the workflow benchmark on its own and prints a small table:
 *
 *   npx tsx tests/bench/workflow/bpmn-anchor-main.ts [--cases 2000] [--concurrency 50] [--warmup 500] [--json]
 *
 * The warm-up cases run first with the same concurrency and are not counted.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { runBpmnAnchor } from './bpmn-anchor';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '50' },
    warmup: { type: 'string', default: '500' },
    json: { type: 'boolean', default: false },
  },
});

const cases = Number(values.cases);
const concurrency = Number(values.concurrency);
const warmup = Number(values.warmup);

function bpmnEngineVersion(): string {
  // bpmn-engine's `exports` hide package.json; its CommonJS entry is lib/index.cjs, next to the package root.
  const entry = createRequire(import.meta.url).resolve('bpmn-engine');
  const pkg = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

// The figures are wall-clock: the 1-minute load average tells whether other work shared the CPUs.
const loadBefore = loadavg()[0]!;
const result = await runBpmnAnchor({ cases, concurrency, warmup });
const loadAfter = loadavg()[0]!;

if (values.json) {
  const meta = {
    engine: 'bpmn-engine',
    version: bpmnEngineVersion(),
    concurrency,
    warmup,
    loadBefore,
    loadAfter,
  };
  console.log(JSON.stringify({ ...meta, ...result }));
} else {
  const rows: [string, string][] = [
    ['engine', `bpmn-engine ${bpmnEngineVersion()} (in memory, no persistence)`],
    ['runtime', `node ${process.version}, ${cpus().length} cpu`],
    ['load avg 1m', `${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after`],
    ['process', 'start → fork → 3 user tasks → join → end'],
    ['concurrency', String(concurrency)],
    ['warm-up cases', String(warmup)],
    ['cases', String(result.cases)],
    ['seconds', result.seconds.toFixed(2)],
    ['cases/s', result.casesPerSec.toFixed(1)],
    ['p99 action ms', result.p99ActionMs.toFixed(2)],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(rows.map(([k, v]) => `${k.padEnd(width)} | ${v}`).join('\n'));
}
