/**
 * 部门看板 (department dashboard): read-only aggregates over the workflow's case instances and the
 * cases' ratings, for staff within their data scope. Other contexts use only these exports.
 */
export { DashboardRepository } from './dashboard.repository';
export { dashboardRoutes } from './dashboard.routes';
export { type DashboardOrg, type DashboardQuery, DashboardService } from './dashboard.service';
