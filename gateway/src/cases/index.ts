/**
 * Cases: intake of applications (办件), the citizen's own list and detail, and what follows the
 * application (结果领取方式, 好差评). Other contexts use only these exports.
 */
export { CaseAftercare, DELIVERY_LABELS } from './aftercare';
export { AftercareRepository } from './aftercare.repository';
export { aftercareRoutes } from './aftercare.routes';
export { RATING_LABELS } from './aftercare.schema';
export { CaseNumbers, chinaDay } from './case-number';
export {
  type CaseFacts,
  type CaseMaterial,
  type CaseMaterialLookup,
  CaseRecords,
  type CorrectedData,
} from './case-records';
export { casesMigrations } from './cases.migrations';
export { CasesRepository } from './cases.repository';
export { casesRoutes } from './cases.routes';
export { type CaseFlowStarter, CasesService, type StartedCase, type SubmitCaseInput } from './cases.service';
export { DraftsService } from './drafts';
export { draftRoutes } from './drafts.routes';
export { FormPii } from './form-pii';
export { type PickupSite, PickupSites } from './pickup-sites';
export { type RotationReport, rotatePersonalData, rotationMigrations } from './pii-rotation';
