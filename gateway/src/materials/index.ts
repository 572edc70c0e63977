/**
 * Materials (申请材料): citizens' uploaded attachments, sniffed by content, size-limited per form
 * field, virus-scanned, stored once per SHA-256 behind a {@link BlobStore}, and reusable in later
 * applications. Other contexts use only these exports.
 *
 * Cases use {@link MaterialsService.assertOwned}, {@link MaterialsService.attachToCase} and
 * {@link MaterialsService.totalSizeOf}.
 */
export { MATERIAL_KINDS, type MaterialKind } from './kinds';
export { formatBytes, materialErrors } from './materials.errors';
export { materialsMigrations } from './materials.migrations';
export type { MaterialView } from './materials.presenter';
export { MaterialsRepository } from './materials.repository';
export { materialsRoutes } from './materials.routes';
export {
  HARD_CAP_BYTES,
  type LimitFor,
  type MaterialsOptions,
  MaterialsService,
  type ResolvedLimit,
  type UploadLimit,
} from './materials.service';
export { noopScanner, type ScanMeta, type ScanResult, type VirusScanner } from './scan/virus-scan';
export { type SniffedType, sniff } from './sniff';
export { type StaffMaterialDeps, staffMaterialRoutes } from './staff-materials.routes';
export type { BlobStore } from './storage/blob-store';
export { createLocalDiskStore } from './storage/local-disk-store';
