import { loadCatalog } from '@gcrm/config/catalog';
import type { Logger } from 'pino';
import { type CatalogPublisher, PublishError } from './catalog.publisher';

/**
 * Publishes config/catalog/ at start-up. New versions go live; versions already published stay as
 * they are. If a file changed without a new version number, or a new form version is incompatible,
 * nothing of this publish is applied, the problems are logged and the catalog already in the
 * database keeps serving. (A file that breaks its JSON Schema stops the process earlier, in
 * loadCatalog, naming the file and the field.)
 */
export async function publishShippedCatalog(publisher: CatalogPublisher, log: Logger): Promise<void> {
  const files = loadCatalog();
  try {
    const result = await publisher.publish(
      { services: files.services, forms: [...files.forms.values()] },
      'config/catalog',
    );
    const published = [...result.services, ...result.forms].filter((r) => r.status === 'published').length;
    if (published > 0) log.info({ published }, 'catalog published from config/catalog');
  } catch (error) {
    if (!(error instanceof PublishError)) throw error;
    log.error(
      { problems: error.problems },
      'config/catalog not published; the catalog in the database stays',
    );
  }
}
