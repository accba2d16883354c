import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { fixture, tempPlugins } from '../../test-support/plugins-folder.js';
import { realServer } from '../../test-support/real-server.js';
import { ADMIN_TOKEN } from '../../test-support/test-app.js';

export type FleetNode = Awaited<ReturnType<typeof realServer>>;

export const V1 = fixture('wasm/versioned.wasm');
export const V2 = fixture('wasm/versioned-v2.wasm');
/** `versioned` 3.0.0, whose every call traps. */
export const V3_TRAP = fixture('wasm/versioned-v3-trap.wasm');

/** A twinplug server in fleet mode over its own plugins folder holding `versioned` 1.0.0. */
export async function fleetNode(servers: string, settings: Record<string, string> = {}) {
  const plugins = tempPlugins();
  plugins.versioned(V1);
  const env = { ...settings, TWINPLUG_STORE: servers };
  let server = await realServer(plugins.root, env);
  return {
    get server() {
      return server;
    },
    plugins,
    /** Stops the server, keeping its folder, cache and snapshot; `start` starts it again. */
    stop: () => server.close(),
    async start() {
      server = await realServer(plugins.root, env);
    },
    async close() {
      await server.close();
      plugins.cleanup();
      rmSync(`${plugins.root}.fleet`, { recursive: true, force: true });
    },
  };
}

/** The version a node's answer comes from (`versioned` answers `<version>:<input>`). */
export async function servedVersion(url: string): Promise<string> {
  const response = await fetch(`${url}/v1/plugins/versioned`, { method: 'POST', body: 'x' });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`${response.status} ${body}`);
  return body.slice(0, body.indexOf(':'));
}

export function upload(url: string, path: string): Promise<Response> {
  const bytes = readFileSync(path);
  return fetch(`${url}/v1/admin/plugins/versioned/versions?backend=wasm`, {
    method: 'POST',
    body: bytes,
    headers: {
      authorization: `Bearer ${ADMIN_TOKEN}`,
      'x-sha256': createHash('sha256').update(bytes).digest('hex'),
    },
  });
}

export function putTraffic(url: string, traffic: unknown, ifMatch?: number): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${ADMIN_TOKEN}` };
  if (ifMatch !== undefined) headers['if-match'] = String(ifMatch);
  return fetch(`${url}/v1/admin/plugins/versioned/traffic`, {
    method: 'PUT',
    body: JSON.stringify(traffic),
    headers,
  });
}

/** A node's admin view of `versioned`. */
export async function view(
  url: string,
): Promise<{ storeRevision?: number; traffic: { stickyHeader?: string } }> {
  const response = await fetch(`${url}/v1/admin/plugins/versioned`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  return (await response.json()) as { storeRevision?: number; traffic: { stickyHeader?: string } };
}

/** Polls every node until each answers with `version`, at most `timeoutMs`; returns the ms taken. */
export async function allServe(urls: string[], version: string, timeoutMs = 20_000) {
  const start = Date.now();
  for (const url of urls) {
    while ((await servedVersion(url)) !== version) {
      if (Date.now() - start > timeoutMs) throw new Error(`${url} does not serve ${version}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  return Date.now() - start;
}
