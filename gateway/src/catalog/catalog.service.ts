import type { Catalog, FormDefinition, ServiceDefinition } from '@gcrm/config/catalog';
import type { ValidateFunction } from 'ajv';
import type { Ajv2020 } from 'ajv/dist/2020.js';

export type SensitiveKind = 'id-number' | 'phone';

export interface PublishedService {
  definition: ServiceDefinition;
  form: FormDefinition;
  validate: ValidateFunction;
  /** Top-level form fields holding personal data, and what kind (drives masking and, later, encryption). */
  sensitiveFields: Map<string, SensitiveKind>;
}

export class CatalogService {
  private readonly services = new Map<string, PublishedService>();

  constructor(catalog: Catalog, ajv: Ajv2020) {
    for (const definition of catalog.services) {
      if (definition.status !== 'published') continue;
      const form = catalog.forms.get(definition.form)!;
      const sensitiveFields = new Map<string, SensitiveKind>();
      for (const [name, prop] of Object.entries(form.schema.properties)) {
        const kind = prop['x-sensitive'];
        if (kind === 'id-number' || kind === 'phone') sensitiveFields.set(name, kind);
      }
      this.services.set(definition.code, {
        definition,
        form,
        validate: ajv.compile(form.schema),
        sensitiveFields,
      });
    }
  }

  get(code: string): PublishedService | undefined {
    return this.services.get(code);
  }

  list(): PublishedService[] {
    return [...this.services.values()];
  }
}
