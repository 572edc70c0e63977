import type { MaterialKind } from '../kinds';

/** What a scanner is told about the bytes besides the bytes themselves. */
export interface ScanMeta {
  sha256: string;
  kind: MaterialKind;
  sizeBytes: number;
  citizenId: string;
}

export type ScanResult = { clean: true } | { clean: false; reason: string };

/**
 * The virus-scan hook point: called on every upload after the type check and before anything is
 * stored. An unclean result refuses the upload (422 `material_infected`); a scanner that throws
 * refuses it too (503 `material_scan_unavailable`, fail closed). A ClamAV (clamd INSTREAM) or
 * cloud scanner adapter implements this interface.
 */
export interface VirusScanner {
  scan(data: Buffer, meta: ScanMeta): Promise<ScanResult>;
}

/** The default: accepts everything. Replace it wherever a real scanner is available. */
export const noopScanner: VirusScanner = {
  scan: async () => ({ clean: true }),
};
