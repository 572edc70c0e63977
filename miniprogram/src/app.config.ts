export default defineAppConfig({
  pages: [
    'pages/home/index',
    'pages/login/index',
    'pages/service/index',
    'pages/apply/index',
    'pages/cases/index',
    'pages/case/index',
  ],
  // Staff pages live in a subpackage so that WeChat's main package stays small (they are opened from
  // DingTalk / WeCom, or by staff in the browser).
  // The dashboard has its own subpackage: ECharts (~500 KB) is loaded only by those who open it.
  subPackages: [
    { root: 'staff', pages: ['login/index', 'tasks/index', 'task/index'] },
    { root: 'dashboard', pages: ['index'] },
    // Citizen pages opened now and then: result delivery, rating, phone binding, real-name verification,
    // the profile (我的档案) and the policies it qualifies for (政策找人).
    {
      root: 'more',
      pages: [
        'delivery/index',
        'rate/index',
        'phone/index',
        'real-name/index',
        'profile/index',
        'policies/index',
      ],
    },
  ],
  window: {
    backgroundTextStyle: 'dark',
    navigationBarBackgroundColor: '#1a5fb4',
    navigationBarTitleText: '政务服务',
    navigationBarTextStyle: 'white',
    backgroundColor: '#f4f6f9',
  },
});
