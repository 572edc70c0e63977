import type { FamilyContext } from './family';

/** What every record builder needs besides the family. */
export interface PopulationContext extends FamilyContext {
  /** Reference date `YYYY-MM-DD`: every generated event happens on or before it. */
  asOf: string;
  /** The 人社 settlement month (`YYYY-MM`) the social-insurance figures are as of. */
  dataMonth: string;
}
