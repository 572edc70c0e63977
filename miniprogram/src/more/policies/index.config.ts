export default definePageConfig({ navigationBarTitleText: '您可享受的政策' });
