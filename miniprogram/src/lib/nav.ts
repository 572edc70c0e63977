import Taro from '@tarojs/taro';

/** Page routes in one place (H5 hash routes are the same paths: `#/pages/case/index?id=…`). */
export const routes = {
  home: () => '/pages/home/index',
  login: (back?: string) => `/pages/login/index${back ? `?back=${encodeURIComponent(back)}` : ''}`,
  service: (code: string) => `/pages/service/index?code=${encodeURIComponent(code)}`,
  apply: (code: string) => `/pages/apply/index?code=${encodeURIComponent(code)}`,
  cases: () => '/pages/cases/index',
  case: (id: string, justSubmitted = false) =>
    `/pages/case/index?id=${id}${justSubmitted ? '&submitted=1' : ''}`,
  staffLogin: (back?: string) => `/staff/login/index${back ? `?back=${encodeURIComponent(back)}` : ''}`,
  staffTasks: () => '/staff/tasks/index',
  staffTask: (id: string) => `/staff/task/index?id=${id}`,
  dashboard: () => '/dashboard/index',
  delivery: (caseId: string) => `/more/delivery/index?id=${caseId}`,
  rate: (caseId: string) => `/more/rate/index?id=${caseId}`,
  phone: (back?: string) => `/more/phone/index${back ? `?back=${encodeURIComponent(back)}` : ''}`,
  realName: () => '/more/real-name/index',
  profile: () => '/more/profile/index',
  policies: () => '/more/policies/index',
};

export function go(url: string): void {
  void Taro.navigateTo({ url });
}

export function replace(url: string): void {
  void Taro.redirectTo({ url });
}
