import type { PersonalDataSource } from '../rights/personal-data-source';
import type { ProactiveService } from './proactive.service';

/** The citizen's offers of proactive service in the rights API (export, deletion). */
export function offersPersonalData(proactive: ProactiveService): PersonalDataSource {
  return {
    name: 'offers',
    title: '主动服务提醒',
    export: (citizenId) => proactive.exportOwn(citizenId),
    erase: async (citizenId) => ({ deleted: await proactive.erase(citizenId) }),
  };
}
