/**
 * A small fictitious org for tests (people and names are made up). Test support only: nothing in the
 * gateway imports this file.
 *
 * 政务服务管理办公室 zwfw (head 周明远)
 * ├─ 审批科 zwfw-spk (head 吴晓梅)
 * │  └─ 审批一组 zwfw-spk-1 (no head)
 * └─ 督查室 zwfw-dcs (head 郑国华; the supervision office)
 *    └─ 督查一组 zwfw-dcs-1
 * 人力资源和社会保障局 rsj (head 陈建军; a supervisor of its own)
 * └─ 就业科 rsj-jyk
 * 公安局 gaj (head 徐海; no supervisor anywhere above 户政科)
 * └─ 户政科 gaj-hzk
 */
import type { OrgData } from '../org.types';

export const SUPERVISION_OFFICE = 'zwfw-dcs';

export function fixtureOrg(): OrgData {
  return {
    departments: [
      { code: 'zwfw', name: '政务服务管理办公室', head: 's-zhou' },
      { code: 'zwfw-spk', name: '审批科', parent: 'zwfw', head: 's-wu' },
      { code: 'zwfw-spk-1', name: '审批一组', parent: 'zwfw-spk' },
      { code: 'zwfw-dcs', name: '督查室', parent: 'zwfw', head: 's-zheng' },
      { code: 'zwfw-dcs-1', name: '督查一组', parent: 'zwfw-dcs' },
      { code: 'rsj', name: '人力资源和社会保障局', head: 's-chen' },
      { code: 'rsj-jyk', name: '就业科', parent: 'rsj' },
      { code: 'gaj', name: '公安局', head: 's-xu' },
      { code: 'gaj-hzk', name: '户政科', parent: 'gaj' },
    ],
    staff: [
      {
        id: 's-zhou',
        name: '周明远',
        memberships: [{ department: 'zwfw', roles: ['department-head', 'report-viewer'] }],
      },
      {
        id: 's-wu',
        name: '吴晓梅',
        memberships: [{ department: 'zwfw-spk', roles: ['department-head', 'approver'] }],
      },
      {
        id: 's-wang',
        name: '王志强',
        memberships: [
          { department: 'zwfw-spk', roles: ['approver'] },
          { department: 'zwfw-spk-1', roles: ['clerk'] },
        ],
      },
      {
        id: 's-li',
        name: '李静怡',
        memberships: [{ department: 'zwfw-spk-1', roles: ['approver', 'clerk'] }],
      },
      {
        id: 's-zheng',
        name: '郑国华',
        memberships: [{ department: 'zwfw-dcs', roles: ['department-head', 'supervisor'] }],
      },
      { id: 's-feng', name: '冯雪', memberships: [{ department: 'zwfw-dcs', roles: ['supervisor'] }] },
      { id: 's-qin', name: '秦岚', memberships: [{ department: 'zwfw-dcs-1', roles: ['supervisor'] }] },
      { id: 's-chen', name: '陈建军', memberships: [{ department: 'rsj', roles: ['department-head'] }] },
      {
        id: 's-han',
        name: '韩冬',
        memberships: [
          { department: 'rsj', roles: ['supervisor'] },
          { department: 'rsj-jyk', roles: ['clerk'] },
        ],
      },
      { id: 's-sun', name: '孙丽', memberships: [{ department: 'rsj-jyk', roles: ['clerk', 'approver'] }] },
      { id: 's-xu', name: '徐海', memberships: [{ department: 'gaj', roles: ['department-head'] }] },
      { id: 's-he', name: '何芳', memberships: [{ department: 'gaj-hzk', roles: ['clerk'] }] },
      // Between posts: active, member of nothing.
      { id: 's-lu', name: '陆平', memberships: [] },
    ],
  };
}
