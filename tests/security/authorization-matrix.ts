/**
 * The authorization matrix: for every route (by operationId) the outcome expected for each kind of
 * caller. Written by hand, on purpose: it is the statement of who may do what, checked against the
 * running gateway by authorization-matrix.test.ts — which fails when a route exists without a row here.
 *
 * Callers, in column order:
 *   A anonymous · C citizen · K clerk (人社局) · P approver (人社局) · H department head (人社局)
 *   S supervisor (督查室) · V report viewer (市政府) · Y 系统管理员 · E 安全管理员 · U 审计管理员
 *   O clerk of another department (公安局)
 * Outcomes:
 *   o  allowed, and the object is in scope (any answer but 401, 403 permission_denied, 404)
 *   p  allowed by authentication and role (any answer but 401 and 403 permission_denied; 404 possible:
 *      the route's object does not exist for anybody in this test, or belongs to nobody yet)
 *   1  401 (not signed in as the kind of user the route is for)
 *   3  403 permission_denied (signed in, the role does not grant the permission)
 *   4  404 (allowed, but the object is outside the caller's data scope: its existence is not disclosed)
 */
export const CALLERS = ['A', 'C', 'K', 'P', 'H', 'S', 'V', 'Y', 'E', 'U', 'O'] as const;
export type Caller = (typeof CALLERS)[number];

const PUBLIC = 'ppppppppppp';
const CITIZEN = '1p111111111';
const ANY_STAFF = '11ooooooooo';
const TASK_WORK = '11oooo3333o'; // worklists: no object, every caseworker
const TASK_SCOPED = '11oooo33334'; // a task or case of 人社局
const SUPERVISE = '11333o33333';
const SYSADMIN = '1133333p333';

export const MATRIX: Record<string, string> = {
  // ops and auth
  health: PUBLIC,
  ready: PUBLIC,
  openapi: PUBLIC,
  loginWithWechat: PUBLIC,
  refreshSession: PUBLIC,
  logout: PUBLIC,
  staffSandboxLogin: PUBLIC,
  citizenSandboxLogin: PUBLIC,
  adminLogin: PUBLIC,
  loginWithDingtalk: PUBLIC,
  loginWithWecom: PUBLIC,
  syncOrg: '1133333p333', // 系统管理员 only
  listAudit: '113333333o3', // 审计管理员 only
  verifyAudit: '113333333o3',
  staffIdentities: '11333333p33', // 安全管理员 only
  linkStaffIdentity: '11333333p33',
  staffRefresh: ANY_STAFF,
  mySessions: ANY_STAFF,
  revokeMySession: '11ppppppppp', // a session id nobody has: 404 for everyone signed in
  setStaffCredentials: '11333333p33', // 安全管理员 only (for a staff id that does not exist: 404)
  // catalog (public)
  listServices: PUBLIC,
  getService: PUBLIC,
  getFormVersion: PUBLIC,
  listRegions: PUBLIC,
  // the citizen's own things
  prefillForm: CITIZEN,
  saveDraft: CITIZEN,
  getDraft: CITIZEN,
  deleteDraft: CITIZEN,
  listDrafts: CITIZEN,
  uploadMaterial: CITIZEN,
  listMyMaterials: CITIZEN,
  getMyMaterial: CITIZEN,
  getMyMaterialContent: CITIZEN,
  deleteMyMaterial: CITIZEN,
  submitCase: CITIZEN,
  listMyCases: CITIZEN,
  getMyCase: CITIZEN,
  caseProgress: CITIZEN,
  withdrawCase: CITIZEN,
  chooseCaseDelivery: CITIZEN,
  rateCase: CITIZEN,
  recordSubscriptions: CITIZEN,
  getNotificationSettings: CITIZEN,
  updateNotificationSettings: CITIZEN,
  supplyCorrection: CITIZEN,
  citizenUrge: CITIZEN,
  submitDataRequest: CITIZEN,
  listDataRequests: CITIZEN,
  getDataRequest: CITIZEN,
  downloadDataExport: CITIZEN,
  getMe: CITIZEN,
  bindPhoneWechat: CITIZEN,
  sendPhoneSmsCode: CITIZEN,
  bindPhoneSms: CITIZEN,
  citizenSandboxPhoneCode: CITIZEN,
  getMyProfile: CITIZEN,
  bindRealName: CITIZEN,
  setProfileConsent: CITIZEN,
  listMyPolicies: CITIZEN,
  listMyRecommendations: CITIZEN,
  getServiceEligibility: CITIZEN,
  preReviewApplication: CITIZEN,
  listMyOffers: CITIZEN,
  acceptOffer: CITIZEN,
  declineOffer: CITIZEN,
  // staff
  staffMe: ANY_STAFF,
  staffWorklist: TASK_WORK,
  staffTask: TASK_SCOPED,
  claimTask: TASK_SCOPED,
  approveTask: TASK_SCOPED,
  rejectTask: TASK_SCOPED,
  returnTask: TASK_SCOPED,
  transferTask: TASK_SCOPED,
  addApprover: TASK_SCOPED,
  ccTask: TASK_SCOPED,
  commentTask: TASK_SCOPED,
  readCc: TASK_SCOPED,
  reassignTask: SUPERVISE,
  staffCase: TASK_SCOPED,
  staffCaseMaterialContent: '11pppp3333p', // a material id nobody has: 404 for those allowed
  staffDashboard: '11ooooo333o', // caseworkers and the 市政府 report viewer (dashboard.read), own scope
  staffUrge: TASK_SCOPED,
  superviseCase: SUPERVISE,
  revealCasePii: '1133o333333', // 部门负责人 (of the case's department) only
  staffDataRequests: '11o3o33333o', // clerks and heads; each sees requests on cases in their scope
  decideDataRequest: '11p3p33333p',
  searchCasesByNumber: '11oooo3333o', // caseworkers; each sees only the cases in their scope
  // administration (三员: only the 系统管理员 configures)
  publishCatalog: SYSADMIN,
  listServiceVersions: SYSADMIN,
  publishFlows: SYSADMIN,
  flowVersions: SYSADMIN,
  migrateFlowInstances: SYSADMIN,
  automaticResult: SYSADMIN,
  listJobs: SYSADMIN,
  jobRuns: SYSADMIN,
  runJob: SYSADMIN,
  listDeliveries: SYSADMIN,
  deliveryStats: SYSADMIN,
  getDelivery: SYSADMIN,
  fixDelivery: SYSADMIN,
  replayDelivery: SYSADMIN,
  replayDeliveries: SYSADMIN,
  listInboxEvents: SYSADMIN,
  retryInboxEvent: SYSADMIN,
  listDrift: SYSADMIN,
  driftReport: SYSADMIN,
  listRuleSets: SYSADMIN,
  getRuleSetVersion: SYSADMIN,
  saveRuleSetDraft: SYSADMIN,
  publishRuleSetVersion: SYSADMIN,
  simulateRuleSetImpact: SYSADMIN,
};
