import type { ServiceDefinition } from '@gcrm/config/catalog';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import type { CatalogRepository } from './catalog.repository';
import { FormEngine } from './form-engine';

export type { SensitiveKind } from './form-engine';

export interface PublishedService {
  definition: ServiceDefinition;
  /** The form version new applications use. */
  form: FormEngine;
  /** Normalised text the keyword search looks in, by weight. */
  search: { text: string; weight: number }[];
}

export interface ServiceFilter {
  q?: string;
  department?: string;
  lifeEvent?: string;
  applicantKind?: string;
  kind?: string;
}

/** NFKC folds full-width letters and digits (ＡＢＣ１２３) into ASCII; case is ignored. */
export const normalise = (text: string) => text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();

/**
 * The published catalog as citizens see it: the current version of each service with its form
 * compiled, plus every form version ever published (running cases and drafts keep theirs). Loaded
 * from the database and reloaded when another instance publishes (polled revision).
 */
export class CatalogService {
  private services = new Map<string, PublishedService>();
  private readonly engines = new Map<string, FormEngine>();
  private revision = -1;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly repo: CatalogRepository,
    private readonly ajv: Ajv2020,
  ) {}

  async reload(): Promise<void> {
    const { services, forms, revision } = await this.repo.loadCurrent();
    const defs = new Map(forms.map((f) => [`${f.id}@${f.version}`, f]));
    for (const [key, def] of defs)
      if (!this.engines.has(key)) this.engines.set(key, new FormEngine(def, this.ajv));
    const next = new Map<string, PublishedService>();
    for (const definition of services) {
      if (definition.status !== 'published') continue;
      const form = this.engines.get(definition.form);
      if (!form) continue;
      next.set(definition.code, { definition, form, search: searchFields(definition) });
    }
    this.services = next;
    this.revision = revision;
  }

  /** Checks every `intervalMs` whether another instance published, and reloads if so. */
  watch(intervalMs: number): void {
    this.timer = setInterval(() => {
      this.repo
        .revision()
        .then((rev) => (rev !== this.revision ? this.reload() : undefined))
        .catch(() => {
          // A failed poll keeps the catalog in memory; the next one tries again.
        });
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  get(code: string): PublishedService | undefined {
    return this.services.get(code);
  }

  /** A form version by `id@version`, whether or not any service uses it now. */
  form(key: string): FormEngine | undefined {
    return this.engines.get(key);
  }

  /** Form versions of one form id, oldest first (for migrating drafts). */
  formChain(id: string) {
    return [...this.engines.values()].filter((e) => e.form.id === id).map((e) => e.form);
  }

  list(filter: ServiceFilter = {}): PublishedService[] {
    const terms = filter.q ? normalise(filter.q).split(' ').filter(Boolean) : [];
    const scored: { service: PublishedService; score: number }[] = [];
    for (const service of this.services.values()) {
      const d = service.definition;
      if (filter.department && !d.departments.some((x) => x.code === filter.department)) continue;
      if (filter.lifeEvent && !(d.lifeEvents ?? []).includes(filter.lifeEvent)) continue;
      if (filter.applicantKind && !d.applicantKinds.includes(filter.applicantKind as 'person')) continue;
      if (filter.kind && d.kind !== filter.kind) continue;
      let score = 0;
      for (const term of terms) {
        const best = Math.max(0, ...service.search.filter((f) => f.text.includes(term)).map((f) => f.weight));
        if (best === 0) {
          score = -1;
          break;
        }
        score += best;
      }
      if (score >= 0) scored.push({ service, score });
    }
    return scored
      .sort(
        (a, b) =>
          b.score - a.score ||
          (a.service.definition.kind === 'bundle' ? -1 : 1) -
            (b.service.definition.kind === 'bundle' ? -1 : 1) ||
          a.service.definition.code.localeCompare(b.service.definition.code),
      )
      .map((s) => s.service);
  }
}

function searchFields(d: ServiceDefinition): PublishedService['search'] {
  const f = (text: string | undefined, weight: number) => (text ? [{ text: normalise(text), weight }] : []);
  return [
    ...f(d.name, 10),
    ...f(d.shortName, 9),
    ...(d.tags ?? []).flatMap((t) => f(t, 7)),
    ...(d.includes ?? []).flatMap((x) => f(x.name, 6)),
    ...d.departments.flatMap((x) => f(x.name, 4)),
    ...f(d.guide.summary, 2),
    ...d.guide.materials.flatMap((m) => f(m.name, 1)),
    ...d.guide.conditions.flatMap((c) => f(c, 1)),
    ...f(d.code, 1),
  ];
}
