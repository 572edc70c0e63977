export default definePageConfig({ navigationBarTitleText: '结果领取方式' });
