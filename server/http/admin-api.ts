import { z } from '@hono/zod-openapi';
import { PLUGIN_NAME_PATTERN } from '../../runtime/index.js';
import { json, routeGroup } from '../openapi/define.js';
import { BEARER } from '../openapi/document.js';
import { type ErrorCode, errorResponses, PLUGIN_CODES } from '../openapi/error-responses.js';
import { describedJsonBody } from '../openapi/json-body.js';
import { TRAFFIC_REQUEST } from '../openapi/request-schemas.js';
import {
  BuildSchema,
  EventSchema,
  FleetNodeSchema,
  PluginSchema,
  StoreStatusSchema,
} from '../openapi/view-schemas.js';

// The admin API's routes as data: adminRoutes mounts them, the OpenAPI document describes them.

/** Who may reach an admin route at all. */
export const ADMIN_AUTH: ErrorCode[] = [
  'ADMIN_DISABLED',
  'UNAUTHORIZED',
  'KEY_INVALID',
  'FORBIDDEN',
];
/** A route naming one plugin in its path. */
const ONE_PLUGIN: ErrorCode[] = [...ADMIN_AUTH, 'INVALID_PLUGIN_NAME', 'SCOPE_DENIED'];
/** A change to a plugin's rollout: any runtime code may come back from the registry. */
const CHANGE: ErrorCode[] = [
  ...ONE_PLUGIN,
  'BAD_REQUEST',
  'BODY_TOO_LARGE',
  'ROLLOUT_CONFLICT',
  'CONTROL_STORE_BUSY',
  'CONTROL_STORE_UNAVAILABLE',
  ...PLUGIN_CODES,
];

export const NameParams = z.object({
  name: z.string().regex(PLUGIN_NAME_PATTERN).openapi({ example: 'upper' }),
});

const adminRoute = routeGroup('admin', BEARER);

const pluginView = json(PluginSchema, "The plugin's state after the change");
const versionBody = describedJsonBody(
  z.object({ version: z.string() }),
  'The version, as PluginInfo says it: `{"version": "1.0.0"}`',
);

export const adminApi = {
  list: adminRoute({
    method: 'get',
    path: '/v1/admin/plugins',
    summary: 'Every plugin in the key’s scope',
    responses: {
      200: json(z.object({ plugins: z.array(PluginSchema) }), 'The plugins'),
      ...errorResponses(ADMIN_AUTH),
    },
  }),
  fleet: adminRoute({
    method: 'get',
    path: '/v1/admin/fleet',
    summary: 'The fleet’s nodes (fleet mode), each with the plugins in the key’s scope',
    responses: {
      200: json(
        z.object({
          store: z.union([z.literal('folder'), StoreStatusSchema]),
          nodes: z.array(FleetNodeSchema),
        }),
        'The store and its nodes (`folder` and none outside fleet mode)',
      ),
      ...errorResponses(ADMIN_AUTH),
    },
  }),
  events: adminRoute({
    method: 'get',
    path: '/v1/admin/events',
    summary: 'The latest swaps, rollbacks, canary steps, promotions and load failures',
    responses: {
      200: json(z.object({ events: z.array(EventSchema) }), 'Newest first'),
      ...errorResponses(ADMIN_AUTH),
    },
  }),
  describe: adminRoute({
    method: 'get',
    path: '/v1/admin/plugins/{name}',
    summary: 'One plugin',
    request: { params: NameParams },
    responses: {
      200: json(PluginSchema, 'The plugin'),
      ...errorResponses([...ONE_PLUGIN, 'ROUTE_NOT_FOUND']),
    },
  }),
  upload: adminRoute({
    method: 'post',
    path: '/v1/admin/plugins/{name}/versions',
    summary: 'Upload a build: validated first, written into the folder once it passed',
    request: {
      params: NameParams,
      query: z.object({ backend: z.enum(['wasm', 'native']).default('wasm') }),
      headers: z.object({
        'x-sha256': z
          .string()
          .regex(/^[0-9a-fA-F]{64}$/)
          .openapi({ description: "The artifact's sha256, 64 hex digits" }),
      }),
      body: {
        required: true,
        content: {
          'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) },
        },
      },
    },
    responses: {
      200: json(
        z.object({ outcome: z.literal('unchanged'), version: BuildSchema }),
        'The build is the one already active',
      ),
      201: json(
        z.object({
          outcome: z.enum(['activated', 'twin-activated']),
          version: BuildSchema,
        }),
        'Activated (or activated as the twin of the preferred backend)',
      ),
      ...errorResponses([
        ...CHANGE,
        'SHA256_REQUIRED',
        'SHA256_MISMATCH',
        'NATIVE_UPLOAD_DISABLED',
        'ARTIFACT_IS_LINK',
        'UPLOAD_NOT_SERVED',
        'UPLOAD_TIMEOUT',
      ]),
    },
  }),
  activate: adminRoute({
    method: 'post',
    path: '/v1/admin/plugins/{name}/activate',
    summary: 'All unpinned traffic to a loaded version; re-activates a withdrawn build',
    request: { params: NameParams, body: versionBody },
    responses: { 200: pluginView, ...errorResponses(CHANGE) },
  }),
  withdraw: adminRoute({
    method: 'post',
    path: '/v1/admin/plugins/{name}/withdraw',
    summary: 'Take the previous build out of service: pins to it get 410',
    request: { params: NameParams, body: versionBody },
    responses: { 200: pluginView, ...errorResponses(CHANGE) },
  }),
  traffic: adminRoute({
    method: 'put',
    path: '/v1/admin/plugins/{name}/traffic',
    summary: 'Weights, header rules and the sticky header',
    request: {
      params: NameParams,
      headers: z.object({
        'if-match': z
          .string()
          .regex(/^"?\d{1,15}"?$/)
          .optional()
          .openapi({ description: 'Fleet mode: the storeRevision this change is based on' }),
      }),
      body: describedJsonBody(TRAFFIC_REQUEST, 'Each key optional; unknown keys are refused'),
    },
    responses: { 200: pluginView, ...errorResponses([...CHANGE, 'INVALID_TRAFFIC']) },
  }),
  rollback: adminRoute({
    method: 'post',
    path: '/v1/admin/plugins/{name}/rollback',
    summary: 'The previous version serves again; the build left is withdrawn',
    request: { params: NameParams },
    responses: { 200: pluginView, ...errorResponses(CHANGE) },
  }),
  remove: adminRoute({
    method: 'delete',
    path: '/v1/admin/plugins/{name}',
    summary: "Delete the plugin's folder; every process unloads it",
    request: { params: NameParams },
    responses: { 204: { description: 'Deleted' }, ...errorResponses(CHANGE) },
  }),
};
