import type { JobDefinition } from '../scheduler/job';
import type { OrgSource, OrgSync } from './org-sync';

/** The scheduled org sync from one platform (`org.sync.dingtalk`, `org.sync.wecom`), with its diff as counts. */
export function orgSyncJob(sync: OrgSync, source: OrgSource): JobDefinition {
  const title = source.provider === 'dingtalk' ? '从钉钉同步组织架构' : '从企业微信同步组织架构';
  return {
    name: `org.sync.${source.provider}`,
    title,
    run: async () => {
      const report = await sync.run(source);
      const counts = {
        departmentsAdded: report.departments.added.length,
        departmentsMoved: report.departments.moved.length + report.departments.renamed.length,
        staffAdded: report.staff.added.length,
        staffMoved: report.staff.moved.length,
        staffLeft: report.staff.left.length,
        unchanged: report.unchanged,
      };
      return {
        counts,
        summary: `新增人员 ${counts.staffAdded}，调动 ${counts.staffMoved}，离开 ${counts.staffLeft}；新增部门 ${counts.departmentsAdded}`,
      };
    },
  };
}
