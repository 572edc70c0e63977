import type { PersonalDataSource } from '../rights/personal-data-source';
import type { CitizenProfiles } from './citizen-profiles';

/** 实名认证 and the profile in the citizen's rights API (export, deletion). */
export function profilePersonalData(profiles: CitizenProfiles): PersonalDataSource {
  return {
    name: 'profile',
    title: '实名认证与个人档案',
    export: (citizenId) => profiles.exportOwn(citizenId),
    erase: async (citizenId) => ({ deleted: await profiles.erase(citizenId) }),
  };
}
