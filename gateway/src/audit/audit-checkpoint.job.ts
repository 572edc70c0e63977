import type { JobDefinition } from '../scheduler/job';
import type { AuditSigner } from './audit-chain';
import type { AuditLog } from './audit-log';

/** Signs the audit chain's head with SM2 on a schedule (a rollback to an older prefix is then detectable). */
export function auditCheckpointJob(audit: AuditLog, signer: AuditSigner): JobDefinition {
  return {
    name: 'audit.checkpoint',
    title: '审计日志签名检查点（SM2）',
    run: async () => {
      const checkpoint = await audit.checkpoint(signer);
      return {
        counts: { seq: checkpoint?.seq ?? 0 },
        summary: checkpoint ? `已签名至第 ${checkpoint.seq} 条记录` : '审计日志为空，无需签名',
      };
    },
  };
}
