/** Cases: intake of applications (办件), the citizen's own list and detail. Other contexts use only these exports. */
export { CaseNumbers, chinaDay } from './case-number';
export { type CaseFacts, CaseRecords, type CorrectedData } from './case-records';
export { casesMigrations } from './cases.migrations';
export { CasesRepository } from './cases.repository';
export { casesRoutes } from './cases.routes';
export { type CaseFlowStarter, CasesService, type StartedCase, type SubmitCaseInput } from './cases.service';
export { DraftsService } from './drafts';
export { draftRoutes } from './drafts.routes';
export { FormPii } from './form-pii';
export { type RotationReport, rotatePersonalData, rotationMigrations } from './pii-rotation';
