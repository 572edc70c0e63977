import { ConfigError, loadConfig } from '@gcrm/config';
import { DEMO_OPENID, demoIdNumber } from './demo-data';
import { startGateway } from './gateway';
import { createLogger, describeUnexpected } from './platform/logger';

async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const log = createLogger(config.logLevel);
  const gateway = await startGateway(config, { logger: log });
  log.info(
    { url: gateway.url, database: config.database.kind, cache: config.redisUrl ? 'redis' : 'memory' },
    'gateway started',
  );
  process.stdout.write(banner(gateway.url, gateway.wechatSimulatorUrl, config.database.kind));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    gateway.close().then(
      () => process.exit(0),
      (error) => {
        log.error({ err: describeUnexpected(error) }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

function banner(url: string, simulator: string | undefined, db: string): string {
  const lines = [
    '',
    `G-CRM 网关已启动: ${url}   (数据库: ${db})`,
    `  打开应用:  ${url}/   (市民端；工作人员端：首页「工作人员入口」，沙箱登录)`,
    `  接口文档:  ${url}/api/v1/openapi.json`,
    `  健康检查:  ${url}/healthz   ${url}/readyz`,
  ];
  if (simulator) {
    lines.push(
      `  微信模拟器: ${simulator}   (沙箱，仅本机)`,
      '',
      '试一试（登录 → 提交申请 → 查看我的办件）:',
      `  CODE=$(curl -s -X POST ${simulator}/__sandbox/login-code -H 'Content-Type: application/json' -d '{"openid":"${DEMO_OPENID}"}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).code')`,
      `  TOKEN=$(curl -s -X POST ${url}/api/v1/auth/wechat -H 'Content-Type: application/json' -d "{\\"code\\":\\"$CODE\\"}" | node -pe 'JSON.parse(require("fs").readFileSync(0)).accessToken')`,
      `  curl -s -X POST ${url}/api/v1/cases -H "Authorization: Bearer $TOKEN" -H "Idempotency-Key: $(node -pe 'crypto.randomUUID()')" -H 'Content-Type: application/json' \\`,
      `    -d '{"serviceCode":"hrss.maternity-allowance","channel":"wechat","formData":{"applicantName":"李示例","idNumber":"${demoIdNumber()}","phone":"13000000000","deliveryDate":"2026-11-01","deliveryType":"顺产","employer":"示例单位"}}'`,
      `  curl -s ${url}/api/v1/cases -H "Authorization: Bearer $TOKEN"`,
      '',
      '工作人员（沙箱登录 → 待办 → 受理）:',
      `  STAFF=$(curl -s -X POST ${url}/api/v1/auth/staff/sandbox -H 'Content-Type: application/json' -d '{"staffId":"st-hrss-clerk-1"}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).accessToken')`,
      `  TASK=$(curl -s "${url}/api/v1/staff/tasks?box=todo" -H "Authorization: Bearer $STAFF" | node -pe 'JSON.parse(require("fs").readFileSync(0)).items[0].id')`,
      `  curl -s -X POST ${url}/api/v1/staff/tasks/$TASK/approve -H "Authorization: Bearer $STAFF" -H 'Content-Type: application/json' -d '{"comment":"材料齐全，予以受理"}'`,
    );
  }
  return `${lines.join('\n')}\n\n`;
}

main().catch((error) => {
  process.stderr.write(
    `启动失败 (start-up failed): ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`,
  );
  process.exit(1);
});
