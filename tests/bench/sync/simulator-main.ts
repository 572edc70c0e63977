/** Child-process WeCom simulator for `bench:sync`: prints its base URL, then serves until killed. */
import { createWecomSimulator } from '@gcrm/connectors/wecom';
import { type SimulatorSetup, simulatorOptions } from './platform';

const setup = JSON.parse(process.argv[2] ?? '{}') as SimulatorSetup;
const simulator = createWecomSimulator(simulatorOptions(setup));
const url = await simulator.listen(0);
process.stdout.write(`${url}\n`);
process.on('SIGTERM', () => {
  simulator.close().finally(() => process.exit(0));
});
