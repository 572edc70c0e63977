import type { PersonalDataSource } from '../rights/personal-data-source';
import type { CaseAftercare } from './aftercare';
import type { CaseRecords } from './case-records';
import type { CasesRepository } from './cases.repository';
import type { DraftsService } from './drafts';

/**
 * Case records are government service archives: a deletion request does not erase them while their
 * legal retention period runs (PIPL Art. 47 para. 2) — they stay stored and protected and are no
 * longer used for anything else (prefill, profile, recommendations). The stored answers to
 * submissions (idempotency keys) serve no such duty and go, as do the mailing addresses of closed
 * cases (the result is delivered) and the free text of ratings (see CaseAftercare.erase).
 */
export function casesPersonalData(
  records: CaseRecords,
  repo: CasesRepository,
  aftercare?: CaseAftercare,
): PersonalDataSource {
  return {
    name: 'cases',
    title: '办件记录',
    export: (citizenId) => records.exportOwned(citizenId),
    erase: async (citizenId) => {
      const deleted =
        (await repo.deleteIdempotencyKeys(citizenId)) + ((await aftercare?.erase(citizenId)) ?? 0);
      const kept = await repo.countOwned(citizenId);
      return {
        deleted,
        retained: {
          count: kept,
          basis:
            '依据《中华人民共和国个人信息保护法》第四十七条第二款及政务服务办件归档管理规定，办件记录在法定保存期限内予以保存',
          processing: '仅存储并采取必要的安全保护措施，不再用于表单预填、用户画像和服务推荐等其他处理',
        },
      };
    },
  };
}

/** Drafts are the citizen's own unfinished forms: exported in clear, deleted on request. */
export function draftsPersonalData(drafts: DraftsService): PersonalDataSource {
  return {
    name: 'drafts',
    title: '草稿',
    export: (citizenId) => drafts.exportAll(citizenId),
    erase: (citizenId) => drafts.deleteAll(citizenId).then((deleted) => ({ deleted })),
  };
}
