import type { PersonalDataSource } from '../rights/personal-data-source';
import type { MaterialsService } from './materials.service';

/**
 * Uploaded materials: listed in the export (name, type, size, date — the files themselves are
 * downloadable one by one); on deletion, those no case uses go, the others are part of the retained
 * case records.
 */
export function materialsPersonalData(materials: MaterialsService): PersonalDataSource {
  return {
    name: 'materials',
    title: '上传的材料',
    export: async (citizenId) =>
      (await materials.list(citizenId)).items.map((m) => ({
        name: m.name,
        kind: m.kind,
        mime: m.mime,
        sizeBytes: m.sizeBytes,
        uploadedAt: m.createdAt,
        usedByCase: m.inUse,
        downloadUrl: `/api/v1/materials/${m.id}/content`,
      })),
    erase: async (citizenId) => {
      const items = (await materials.list(citizenId)).items;
      let deleted = 0;
      let kept = 0;
      for (const m of items) {
        if (m.inUse) {
          kept++;
          continue;
        }
        try {
          await materials.delete(citizenId, m.id);
          deleted++;
        } catch {
          // Attached to a case since it was listed: it is retained with the case.
          kept++;
        }
      }
      return {
        deleted,
        retained: {
          count: kept,
          basis: '作为办件材料随办件记录依法保存',
          processing: '仅存储并采取必要的安全保护措施',
        },
      };
    },
  };
}
