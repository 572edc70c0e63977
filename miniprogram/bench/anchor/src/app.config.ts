export default defineAppConfig({
  pages: ['pages/index/index'],
  window: { navigationBarTitleText: '政务服务' },
});
