/** errmsg texts the simulator answers with (wording from platforms.md §2.1/§2.7 and DingTalk's error pages). */
const ERRMSG: Record<number, string> = {
  [-1]: '系统繁忙',
  15: 'isp.top-remote-connection-timeout',
  22: 'Invalid method',
  88: '鉴权异常',
  404: '请求的URI地址不存在',
  40078: '不存在的临时授权码',
  40096: '不合法的appKey或appSecret',
  60003: '未找到部门',
  60121: '找不到该用户',
  90002: '服务器繁忙，请稍后重试',
  90006: '应用调用频率超过限制',
  90018: '当前应用调用该接口的并发量超过限制',
  90020: '调用次数超过企业每月限制',
  400002: '无效的参数',
};

const SUB_MSG: Record<string, string> = {
  '40000': '参数为空',
  '40014': '不合法的access_token',
  '60011': '没有调用该接口的权限',
};

let ridCounter = 0;

export function requestId(): string {
  ridCounter += 1;
  return `sim${ridCounter.toString(36).padStart(9, '0')}`;
}

/**
 * `{errcode, errmsg, request_id}`; errcode 88 also carries `sub_code`/`sub_msg`, with errmsg built as
 * the platform does: `ding talk error[subcode=…,submsg=…]` (platforms.md §2.1).
 */
export function errorBody(errcode: number, subCode?: string): Record<string, unknown> {
  if (errcode === 88 || subCode !== undefined) {
    const code = subCode ?? '';
    const subMsg = SUB_MSG[code] ?? '';
    return {
      errcode,
      errmsg: code === '' ? ERRMSG[88] : `ding talk error[subcode=${code},submsg=${subMsg}]`,
      sub_code: code,
      sub_msg: subMsg,
      request_id: requestId(),
    };
  }
  return { errcode, errmsg: ERRMSG[errcode] ?? 'simulated error', request_id: requestId() };
}

/** The per-IP ban body of platforms.md §2.7 (no errcode). */
export function x5BanBody(): Record<string, unknown> {
  return { status: 1111, wait: 5, source: 'x5', punish: 'deny', uuid: requestId() };
}
