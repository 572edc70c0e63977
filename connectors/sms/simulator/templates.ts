/** An SMS template as the simulator knows it; `${name}` marks a variable. */
export interface SmsTemplate {
  templateCode: string;
  content: string;
}

/**
 * Templates for G-CRM's citizen events and the phone-binding verification code (the codes a real
 * account gets are `SMS_` + digits).
 */
export const DEFAULT_SMS_TEMPLATES: readonly SmsTemplate[] = [
  // biome-ignore lint/suspicious/noTemplateCurlyInString: Aliyun SMS templates use ${name} variables.
  { templateCode: 'SMS_CASE_ACCEPTED', content: '您申请的${item}已受理，办件编号${caseNo}。' },
  {
    templateCode: 'SMS_CASE_CORRECTION',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Aliyun SMS templates use ${name} variables.
    content: '您申请的${item}需补正材料：${detail}，请于${deadline}前提交。',
  },
  // biome-ignore lint/suspicious/noTemplateCurlyInString: Aliyun SMS templates use ${name} variables.
  { templateCode: 'SMS_CASE_CLOSED', content: '您申请的${item}已办结，办理结果：${result}。' },
  // biome-ignore lint/suspicious/noTemplateCurlyInString: Aliyun SMS templates use ${name} variables.
  { templateCode: 'SMS_RATING_INVITE', content: '您申请的${item}已办结，请在小程序中对本次服务进行评价。' },
  {
    // A 验证码 template (Aliyun's own category): one `code` variable of 4-6 digits.
    templateCode: 'SMS_VERIFY_CODE',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Aliyun SMS templates use ${name} variables.
    content: '您的验证码为${code}，5分钟内有效，请勿泄露给他人。如非本人操作，请忽略本短信。',
  },
];

export const DEFAULT_SIGN_NAMES: readonly string[] = ['政务服务中心'];

/** The variable names of a template, in order of first use. */
export function templateVariables(content: string): string[] {
  return [...new Set([...content.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((match) => match[1]!))];
}

export function renderTemplate(content: string, params: Record<string, unknown>): string {
  return content.replace(/\$\{([A-Za-z0-9_]+)\}/g, (_, name: string) => String(params[name] ?? ''));
}
