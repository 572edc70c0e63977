/**
 * Citizens' rights over their personal data (PIPL Art. 44–47): export, correction, deletion with the
 * legal-retention exception recorded. Other contexts plug in through {@link PersonalDataSource}.
 *
 * @packageDocumentation
 */
export type { ErasureOutcome, PersonalDataSource } from './personal-data-source';
export { rightsMigrations } from './rights.migrations';
export { RightsRepository } from './rights.repository';
export { rightsRoutes } from './rights.routes';
export { type CorrectionTarget, type RightsRequestInput, RightsService } from './rights.service';
