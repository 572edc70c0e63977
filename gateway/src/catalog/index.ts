/** Catalog: the published services (事项), their guides and forms. Other contexts use only these exports. */
export { catalogRoutes } from './catalog.routes';
export { CatalogService, type PublishedService, type SensitiveKind } from './catalog.service';
