import type { ApiRegistry, JsonSchema } from './route';

const Problem: JsonSchema = {
  type: 'object',
  description: 'RFC 9457 problem details; `code` is stable, `title`/`detail` are zh-CN.',
  required: ['type', 'title', 'status', 'code'],
  properties: {
    type: { type: 'string', format: 'uri' },
    title: { type: 'string' },
    status: { type: 'integer' },
    code: { type: 'string' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    requestId: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['code', 'message'],
        properties: {
          pointer: { type: 'string', description: 'JSON pointer into the request body' },
          header: { type: 'string' },
          parameter: { type: 'string' },
          code: { type: 'string' },
          message: { type: 'string' },
        },
      },
    },
  },
};

const COMMON_ERRORS: Record<number, string> = {
  400: '请求内容不符合要求（含 JSON 格式错误、未知字段）',
  404: '资源或接口不存在',
  413: '请求体超过大小限制',
  415: '内容类型不是 application/json',
  429: '请求过于频繁',
  500: '服务器内部错误',
};

function problemResponse(description: string) {
  return {
    description,
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  };
}

/** Builds the OpenAPI 3.1 document from the registered routes, with the very schemas they validate with. */
export function buildOpenApi(registry: ApiRegistry, info: { title: string; version: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of registry.routes) {
    const path = spec.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const parameters: unknown[] = [];
    const params = spec.params?.properties as Record<string, JsonSchema> | undefined;
    for (const [name, schema] of Object.entries(params ?? {}))
      parameters.push({ name, in: 'path', required: true, schema });
    const query = spec.query?.properties as Record<string, JsonSchema> | undefined;
    const requiredQuery = new Set((spec.query?.required as string[] | undefined) ?? []);
    for (const [name, schema] of Object.entries(query ?? {})) {
      parameters.push({ name, in: 'query', required: requiredQuery.has(name), schema });
    }
    for (const header of spec.headers ?? []) {
      parameters.push({
        name: header.name,
        in: 'header',
        required: header.required,
        description: header.description,
        schema: header.schema,
      });
    }
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(spec.responses)) {
      responses[status] = {
        description: response.description,
        ...(response.headers
          ? {
              headers: Object.fromEntries(
                Object.entries(response.headers).map(([k, d]) => [
                  k,
                  { description: d, schema: { type: 'string' } },
                ]),
              ),
            }
          : {}),
        ...(response.schema ? { content: { 'application/json': { schema: response.schema } } } : {}),
      };
    }
    for (const [status, description] of Object.entries(COMMON_ERRORS)) {
      if (status === '413' || status === '415') {
        if (!spec.body) continue;
      }
      responses[status] ??= problemResponse(description);
    }
    if (spec.auth !== 'none') responses['401'] ??= problemResponse('未登录或访问令牌无效');
    paths[path] ??= {};
    paths[path][spec.method] = {
      operationId: spec.operationId,
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      tags: spec.tags,
      security:
        spec.auth === 'citizen'
          ? [{ citizenBearer: [] }]
          : spec.auth === 'admin'
            ? [{ adminBearer: [] }]
            : spec.auth === 'staff'
              ? [{ staffBearer: [] }]
              : [],
      ...(parameters.length ? { parameters } : {}),
      ...(spec.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: spec.body } } } }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: { ...info, description: 'G-CRM 网关接口。所有错误以 application/problem+json 返回。' },
    servers: [{ url: '/' }],
    paths,
    components: {
      schemas: { Problem },
      securitySchemes: {
        citizenBearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT (ES256)' },
        staffBearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT (ES256), role staff' },
        adminBearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'ADMIN_API_TOKEN（临时，员工统一认证上线后改为 RBAC）',
        },
      },
    },
  };
}
