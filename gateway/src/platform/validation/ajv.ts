import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import {
  isBankCard,
  isForeignPermanentResidentId,
  isHkMoTwResidencePermit,
  isMobile,
  isRegionCode,
  isResidentId,
  isUscc,
} from './formats';

/**
 * The one validator factory: JSON Schema 2020-12 (what OpenAPI 3.1 embeds), all errors at once,
 * no coercion of bodies (a string "1" is not a number), and our own formats. Schemas may carry `x-*` UI
 * hints; strict mode is off so that those annotations are allowed.
 */
export function createAjv(options: { coerceTypes?: boolean } = {}): Ajv2020 {
  // Query strings and path parameters are text by nature: only they are coerced ("20" → 20).
  const ajv = new Ajv2020({
    allErrors: true,
    verbose: true,
    strict: false,
    coerceTypes: options.coerceTypes ?? false,
    useDefaults: false,
  });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  ajv.addFormat('cn-resident-id', { type: 'string', validate: isResidentId });
  ajv.addFormat('cn-mobile', { type: 'string', validate: isMobile });
  ajv.addFormat('cn-uscc', { type: 'string', validate: isUscc });
  ajv.addFormat('cn-region-code', { type: 'string', validate: isRegionCode });
  ajv.addFormat('bank-card', { type: 'string', validate: isBankCard });
  ajv.addFormat('cn-hmt-residence-permit', { type: 'string', validate: isHkMoTwResidencePermit });
  ajv.addFormat('cn-foreign-permanent-resident-id', {
    type: 'string',
    validate: isForeignPermanentResidentId,
  });
  ajv.addKeyword({
    keyword: 'x-sensitive',
    schemaType: 'string',
    metaSchema: { enum: ['id-number', 'phone', 'address'] },
  });
  return ajv;
}
