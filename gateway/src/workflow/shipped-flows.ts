import { loadCatalog } from '@gcrm/config/catalog';
import type { Logger } from 'pino';
import { PublishError } from '../catalog';
import type { FlowStore } from './flow-store';

/**
 * Publishes config/catalog/flows/ at start-up: new versions go live, published ones stay. A changed
 * file without a new version is refused and logged; the versions in the database keep serving.
 */
export async function publishShippedFlows(flows: FlowStore, log: Logger): Promise<void> {
  const files = loadCatalog();
  try {
    const result = await flows.publish([...files.flows.values()], 'config/catalog');
    const published = result.flows.filter((r) => r.status === 'published').length;
    if (published > 0) log.info({ published }, 'flows published from config/catalog');
  } catch (error) {
    if (!(error instanceof PublishError)) throw error;
    log.error(
      { problems: error.problems },
      'config/catalog flows not published; the flows in the database stay',
    );
  }
}
