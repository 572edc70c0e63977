export default definePageConfig({ navigationBarTitleText: '部门数据看板', enablePullDownRefresh: true });
