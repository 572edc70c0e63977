import type { Kysely } from 'kysely';
import type { BlobStore } from '../materials';
import type { Db } from '../platform/db/database';
import type { Sweep } from './keyset-sweep';
import { hasOpenRightsRequest } from './personal-data-guard';
import { HOUR_MS, type RetentionConfig } from './retention-config';

/**
 * `housekeeping.materials`: uploads never attached to a case, `orphanMaterialHours` after upload, and
 * their bytes once no material row refers to them (the store is content-addressed and shared).
 *
 * Kept: a material a case uses (`case_id` set: never deleted here); every upload of a citizen who has
 * a draft (a draft's form may point at it; drafts themselves go after `draftIdleDays`); and uploads
 * of a citizen whose rights request is being handled.
 */
export function orphanMaterialSweeps(config: RetentionConfig, database: Db, blobs: BlobStore): Sweep[] {
  const db = database as unknown as Kysely<{ materials: { sha256: string } }>;
  return [
    {
      name: 'materials',
      title: '未提交的过期材料',
      table: 'materials',
      key: ['id'],
      columns: ['sha256'],
      where: (eb, now) =>
        eb.and([
          eb('case_id', 'is', null),
          eb('created_at', '<', now - config.orphanMaterialHours * HOUR_MS),
          eb.not(
            eb.exists(
              eb
                .selectFrom('case_drafts as hk_d')
                .select('hk_d.citizen_id')
                .whereRef('hk_d.citizen_id', '=', 'materials.citizen_id'),
            ),
          ),
          eb.not(hasOpenRightsRequest(eb, 'materials.citizen_id')),
        ]),
      afterDelete: async (rows) => {
        let blobsDeleted = 0;
        for (const sha256 of new Set(rows.map((r) => String(r.sha256)))) {
          const left = await db
            .selectFrom('materials')
            .select('sha256')
            .where('sha256', '=', sha256)
            .limit(1)
            .executeTakeFirst();
          if (left) continue;
          // The upload path puts the bytes again when they are missing after its insert, so a racing
          // upload of the same content is not left without its blob.
          await blobs.delete(sha256);
          blobsDeleted++;
        }
        return { blobs: blobsDeleted };
      },
    },
  ];
}
