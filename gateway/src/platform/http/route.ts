/**
 * One place where a route is declared: its path, auth, schemas and responses. The same declaration
 * mounts the route (validation middleware included) and feeds the OpenAPI document, so the document
 * cannot drift from what the routes enforce.
 *
 * @example
 * api.define({
 *   method: 'get', path: '/cases/:id', operationId: 'getCase', summary: '查看办件', tags: ['cases'],
 *   auth: 'citizen', params: CaseParams, responses: { 200: { description: '办件', schema: CaseView } },
 *   handler: async (ctx) => { ctx.body = await cases.get(ctx.state.citizen.id, ctx.state.params.id); },
 * });
 */
import type Router from '@koa/router';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import type { Context, Middleware } from 'koa';
import { errors, type FieldError } from '../errors';
import { toFieldErrors } from '../validation/messages';
import { jsonBody } from './json-body';

export type JsonSchema = Record<string, unknown>;

/** A request header the route reads; declared ones are validated (missing required → 400) and documented. */
export interface HeaderSpec {
  name: string;
  required: boolean;
  description: string;
  schema: JsonSchema;
}

export interface RouteSpec {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Koa path, e.g. `/cases/:id` (relative to the prefix of the {@link RouteDefiner} it is given to). */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  /**
   * `citizen`: a valid citizen access token is required (401 otherwise). `admin`: the catalog
   * administrators' token (ADMIN_API_TOKEN) until staff SSO and RBAC arrive. `staff`: a staff
   * member's access token (401 otherwise).
   */
  auth: 'none' | 'citizen' | 'staff' | 'admin';
  /**
   * staff and admin routes: the permission the caller's roles must grant (RBAC), checked in one
   * middleware; absent on a staff route, any signed-in staff member may call it.
   */
  permission?: string;
  body?: JsonSchema;
  query?: JsonSchema;
  params?: JsonSchema;
  headers?: HeaderSpec[];
  responses: Record<number, { description: string; schema?: JsonSchema; headers?: Record<string, string> }>;
  /** Extra middleware run after auth and before validation (rate limits). */
  before?: Middleware[];
  handler: (ctx: Context) => Promise<void>;
}

export interface RouteDeps {
  ajv: Ajv2020;
  queryAjv: Ajv2020;
  bodyLimit: number;
  authenticate: Middleware;
  authenticateAdmin: Middleware;
  authenticateStaff: Middleware;
  /** The middleware enforcing a route's `permission`. */
  requirePermission?: (permission: string) => Middleware;
  /** Audit trail: `outcome` wraps a route (refusals included), `attempt` runs after authorization. */
  audit?: {
    outcome(route: RouteSpec): Middleware | undefined;
    attempt(route: RouteSpec): Middleware | undefined;
  };
}

export interface RouteDefiner {
  define(spec: RouteSpec): void;
}

export class ApiRegistry {
  readonly routes: RouteSpec[] = [];
  constructor(private readonly deps: RouteDeps) {}

  define(spec: RouteSpec): void {
    this.routes.push(spec);
  }

  /** A view of this registry whose paths are relative to `prefix` (e.g. `/api/v1`). */
  withPrefix(prefix: string): RouteDefiner {
    return { define: (spec) => this.define({ ...spec, path: prefix + spec.path }) };
  }

  mount(router: Router): void {
    for (const spec of this.routes) {
      const chain: Middleware[] = [];
      const outcome = this.deps.audit?.outcome(spec);
      if (outcome) chain.push(outcome);
      if (spec.auth === 'citizen') chain.push(this.deps.authenticate);
      if (spec.auth === 'admin') chain.push(this.deps.authenticateAdmin);
      if (spec.auth === 'staff') chain.push(this.deps.authenticateStaff);
      if (spec.permission && this.deps.requirePermission)
        chain.push(this.deps.requirePermission(spec.permission));
      const attempt = this.deps.audit?.attempt(spec);
      if (attempt) chain.push(attempt);
      chain.push(...(spec.before ?? []));
      if (spec.body) chain.push(jsonBody(this.deps.bodyLimit));
      chain.push(this.validator(spec));
      chain.push(async (ctx) => spec.handler(ctx));
      router[spec.method](spec.operationId, spec.path, ...chain);
    }
  }

  private validator(spec: RouteSpec): Middleware {
    const body = spec.body ? this.deps.ajv.compile(spec.body) : undefined;
    const query = this.deps.queryAjv.compile(spec.query ?? { type: 'object', additionalProperties: false });
    const params = spec.params ? this.deps.queryAjv.compile(spec.params) : undefined;
    const headers = (spec.headers ?? []).map((h) => ({ ...h, check: this.deps.ajv.compile(h.schema) }));
    return async function validateMiddleware(ctx, next) {
      const headerErrors: FieldError[] = [];
      for (const h of headers) {
        const value = ctx.get(h.name);
        if (value === '') {
          if (h.required)
            headerErrors.push({ header: h.name, code: 'required', message: `缺少 ${h.name} 请求头` });
        } else if (!h.check(value)) {
          headerErrors.push({
            header: h.name,
            code: h.check.errors?.[0]?.keyword ?? 'invalid',
            message: `${h.name} 格式不正确`,
          });
        }
      }
      const queryValue = ctx.querystring === '' ? {} : { ...ctx.query };
      if (!query(queryValue)) {
        throw errors.validation(
          toFieldErrors(query.errors ?? []).map(({ pointer, ...rest }) => ({
            parameter: pointer?.replace(/^\//, '') ?? '',
            ...rest,
          })),
        );
      }
      ctx.state.query = queryValue;
      if (params) {
        const paramsValue = { ...(ctx as { params?: Record<string, string> }).params };
        // A malformed path id names no resource: answer 404 rather than explain the id format.
        if (!params(paramsValue)) throw errors.notFound();
        ctx.state.params = paramsValue;
      }
      const bodyErrors = body && !body(ctx.state.body) ? toFieldErrors(body.errors ?? []) : [];
      if (headerErrors.length > 0 || bodyErrors.length > 0)
        throw errors.validation([...headerErrors, ...bodyErrors]);
      await next();
    };
  }
}
