/** Child-process generic OA for `bench:reconcile`: seeds the planned documents, prints its URL, serves until killed. */
import { createGenericOaSimulator, type OaState } from '@gcrm/connectors/oa';
import { externalIdOf, SECRET, theirs } from './plan';

const cases = Number(process.argv[2] ?? 1_000_000);
const simulator = createGenericOaSimulator({ secret: SECRET, callsPerMinute: 1_000_000_000 });
simulator.seed(
  (function* () {
    for (let i = 0; i < cases; i++) {
      const state = theirs(i);
      if (state) yield { externalId: externalIdOf(i), caseId: `c${i}`, state: state as OaState };
    }
  })(),
);
const url = await simulator.listen(0);
process.stdout.write(`${url}\n`);
process.on('SIGTERM', () => {
  simulator.close().finally(() => process.exit(0));
});
