/**
 * Catalog: services (事项) and bundles (一件事) with their guides, and versioned forms with linkage.
 * Published into the database from config/catalog/ at start-up and through the admin API at run
 * time; every version stays, so cases and drafts keep the version they began with. Other contexts
 * use only these exports.
 */
export { catalogMigrations } from './catalog.migrations';
export {
  CatalogPublisher,
  PublishError,
  type PublishProblem,
  type PublishRequest,
  problemAt,
} from './catalog.publisher';
export { CatalogRepository } from './catalog.repository';
export { catalogAdminRoutes, catalogRoutes, regionRoutes } from './catalog.routes';
export { CatalogService, type PublishedService, type SensitiveKind } from './catalog.service';
export { FormEngine } from './form-engine';
export { compatibilityProblems, migrateFormData } from './form-versions';
