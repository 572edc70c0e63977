/** The gateway as a library: what main.ts and the cross-package tests start. */

export { DEMO_OPENID, demoIdNumber } from './demo-data';
export { API_PREFIX, type Gateway, type GatewayOptions, startGateway } from './gateway';
