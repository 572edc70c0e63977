import type { FormData } from '../../lib/form-model';
import type { FieldError } from '../../services/errors';
import type { DeliveryChoice, DeliveryOption, DeliveryView, FormDefinition } from '../../services/types';

const when = (method: string) => ({ fact: 'form.method', operator: 'equal', value: method });

/**
 * The choice as a small catalog-style form, so that it gets the same widgets, linkage and inline
 * errors as every application form (the region picker, phone keyboard, 长辈模式 sizes).
 */
export function deliveryForm(options: DeliveryOption[]): FormDefinition {
  const sites = options.find((o) => o.method === 'pickup')?.sites ?? [];
  return {
    id: 'delivery',
    version: 1,
    title: '结果领取方式',
    schema: {
      type: 'object',
      required: ['method'],
      properties: {
        method: { type: 'string', title: '领取方式', enum: options.map((o) => o.method) },
        recipient: { type: 'string', title: '收件人', maxLength: 30 },
        phone: { type: 'string', title: '收件人手机号码' },
        region: { type: 'string', title: '所在地区' },
        detail: { type: 'string', title: '详细地址', maxLength: 120 },
        siteId: { type: 'string', title: '领取地点', enum: sites.map((s) => s.id) },
      },
    },
    ui: {
      sections: [
        { title: '请选择领取方式', fields: ['method', 'recipient', 'phone', 'region', 'detail', 'siteId'] },
      ],
      fields: {
        method: { widget: 'radio', options: options.map((o) => ({ value: o.method, label: o.label })) },
        recipient: { widget: 'text', placeholder: '请输入收件人姓名' },
        phone: { widget: 'phone', help: '快递员派送时联系此号码' },
        region: { widget: 'region', regionLevel: 'district' },
        detail: { widget: 'textarea', placeholder: '街道、小区、楼栋、门牌号' },
        siteId: {
          widget: 'radio',
          options: sites.map((s) => ({ value: s.id, label: `${s.name}（${s.address}，${s.hours}）` })),
        },
      },
    },
    linkage: [
      { field: 'recipient', show: when('mail'), require: when('mail') },
      { field: 'phone', show: when('mail'), require: when('mail') },
      { field: 'region', show: when('mail'), require: when('mail') },
      { field: 'detail', show: when('mail'), require: when('mail') },
      { field: 'siteId', show: when('pickup'), require: when('pickup') },
    ],
  };
}

/** What the citizen chose before, as form data (the phone is masked and must be typed again). */
export function formOf(view: DeliveryView | null | undefined): FormData {
  if (!view) return {};
  if (view.method === 'pickup') return { method: 'pickup', siteId: view.site?.id };
  if (view.method === 'mail' && view.address)
    return {
      method: 'mail',
      recipient: view.address.recipient,
      region: view.address.region,
      detail: view.address.detail,
    };
  return { method: view.method };
}

export function choiceOf(data: FormData): DeliveryChoice {
  const str = (k: string) => (typeof data[k] === 'string' ? (data[k] as string).trim() : '');
  if (data.method === 'mail')
    return {
      method: 'mail',
      address: {
        recipient: str('recipient'),
        phone: str('phone'),
        region: str('region'),
        detail: str('detail'),
      },
    };
  if (data.method === 'pickup') return { method: 'pickup', siteId: str('siteId') };
  return { method: 'elicence' };
}

/** The gateway's pointers (`/address/phone`, `/siteId`) onto the form's fields. */
export function errorsOf(errors: FieldError[]): { fields: Record<string, string>; other: string[] } {
  const fields: Record<string, string> = {};
  const other: string[] = [];
  for (const e of errors) {
    const name = e.pointer.split('/').filter(Boolean).at(-1);
    if (name && ['method', 'recipient', 'phone', 'region', 'detail', 'siteId'].includes(name))
      fields[name] ??= e.message;
    else other.push(e.message);
  }
  return { fields, other };
}

/** One line for the case page. */
export function deliverySummary(view: DeliveryView): string {
  if (view.method === 'mail' && view.address)
    return `${view.methodLabel}：${view.address.recipient} ${view.address.phoneMasked}，${view.address.regionName ?? ''}${view.address.detail}`;
  if (view.method === 'pickup' && view.site)
    return `${view.methodLabel}：${view.site.name}（${view.site.address}）`;
  return view.methodLabel;
}
