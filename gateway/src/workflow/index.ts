/**
 * Workflow: the flows cases go through (一件事 across departments), staff tasks and worklists,
 * Chinese approval operations, working-day deadlines and durable timers. Other contexts use only
 * these exports.
 */
export { type OrgLookup, resolveAssignees } from './assignees';
export { type Actor, allowedActions, type EngineEnv, FlowRun } from './engine/engine';
export { FlowIndex } from './engine/flow-index';
export { FlowMigrator, type MigrationReport, planMigration } from './flow-migration';
export { FlowStore, type OrgNames } from './flow-store';
export { TimerRunner } from './timer-runner';
export { workflowMigrations } from './workflow.migrations';
export { WorkflowRepository } from './workflow.repository';
export {
  citizenWorkflowRoutes,
  flowAdminRoutes,
  revealRoutes,
  searchRoutes,
  staffRoutes,
} from './workflow.routes';
export {
  type CasePort,
  type DeadlineCalendar,
  type PreparedStart,
  WorkflowService,
} from './workflow.service';
