import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A window where a case's result may be collected (窗口自取). */
export interface PickupSite {
  id: string;
  name: string;
  address: string;
  hours: string;
}

/** config/pickup-sites.json: sites by id, the sites of each department, and those of any other department. */
interface PickupSitesFile {
  sites: Record<string, Omit<PickupSite, 'id'>>;
  departments: Record<string, string[]>;
  fallback: string[];
}

export const DEFAULT_PICKUP_SITES_FILE = fileURLToPath(
  new URL('../../../config/pickup-sites.json', import.meta.url),
);

const text = (v: unknown) => typeof v === 'string' && v.trim() !== '';

/** The pickup sites of each department, from config/pickup-sites.json. */
export class PickupSites {
  private constructor(
    private readonly byId: ReadonlyMap<string, PickupSite>,
    private readonly byDepartment: ReadonlyMap<string, readonly PickupSite[]>,
    private readonly fallback: readonly PickupSite[],
  ) {}

  /** Reads and checks the file; throws naming every problem (a site without a name, an unknown id). */
  static load(file: string = DEFAULT_PICKUP_SITES_FILE): PickupSites {
    return PickupSites.from(JSON.parse(readFileSync(file, 'utf8')) as PickupSitesFile);
  }

  static from(data: PickupSitesFile): PickupSites {
    const problems: string[] = [];
    const byId = new Map<string, PickupSite>();
    for (const [id, site] of Object.entries(data.sites ?? {})) {
      if (!/^[a-z0-9-]{1,64}$/.test(id)) problems.push(`sites/${id}: id 只能由小写字母、数字和连字符组成`);
      for (const key of ['name', 'address', 'hours'] as const)
        if (!text(site?.[key])) problems.push(`sites/${id}/${key}: 不能为空`);
      byId.set(id, { id, name: site.name, address: site.address, hours: site.hours });
    }
    const resolve = (where: string, ids: unknown) =>
      (Array.isArray(ids) ? ids : []).flatMap((id) => {
        const site = byId.get(String(id));
        if (!site) problems.push(`${where}: 没有 id 为 ${String(id)} 的地点`);
        return site ? [site] : [];
      });
    const byDepartment = new Map(
      Object.entries(data.departments ?? {}).map(([code, ids]) => [
        code,
        resolve(`departments/${code}`, ids),
      ]),
    );
    const fallback = resolve('fallback', data.fallback);
    if (fallback.length === 0) problems.push('fallback: 至少需要一个地点');
    if (problems.length > 0) throw new Error(`config/pickup-sites.json: ${problems.join('; ')}`);
    return new PickupSites(byId, byDepartment, fallback);
  }

  /**
   * Where the result of a service may be collected: the sites of its lead department (the only one of
   * a single service), else the city-wide fallback.
   */
  forDepartments(departments: readonly { code: string; lead?: boolean }[]): readonly PickupSite[] {
    const lead = departments.find((d) => d.lead) ?? departments[0];
    const own = lead ? this.byDepartment.get(lead.code) : undefined;
    return own && own.length > 0 ? own : this.fallback;
  }

  get(id: string): PickupSite | undefined {
    return this.byId.get(id);
  }
}
