import type { MaterialRow } from './materials.repository';

/** A material as the API shows it (see MaterialView in materials.schema.ts). */
export interface MaterialView {
  id: string;
  kind: string;
  mime: string;
  sizeBytes: number;
  name: string;
  materialCode: string | null;
  sha256: string;
  createdAt: string;
  /** Used by a submitted case: it can no longer be deleted. */
  inUse: boolean;
  /** True when an upload found the same bytes already stored for this citizen and material. */
  reused: boolean;
}

export function presentMaterial(row: MaterialRow, reused = false): MaterialView {
  return {
    id: row.id,
    kind: row.kind,
    mime: row.mime,
    sizeBytes: row.size_bytes,
    name: row.original_name,
    materialCode: row.material_code === '' ? null : row.material_code,
    sha256: row.sha256,
    createdAt: new Date(row.created_at).toISOString(),
    inUse: row.case_id !== null,
    reused,
  };
}
