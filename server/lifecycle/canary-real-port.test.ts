import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { fixture, tempPlugins } from '../test-support/plugins-folder.js';
import { realServer } from '../test-support/real-server.js';
import { ADMIN_TOKEN } from '../test-support/test-app.js';

const CLIENTS = 10;
const MAX_MS = 20_000;

let cleanup: (() => Promise<void>) | undefined;

afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describe('a failing canary on a real port', () => {
  it('is rolled back automatically while clients keep calling; afterwards every call succeeds', async () => {
    const plugins = tempPlugins();
    plugins.versioned();
    const server = await realServer(plugins.root);
    cleanup = async () => {
      await server.close();
      plugins.cleanup();
    };
    const bytes = readFileSync(fixture('wasm/versioned-v3-trap.wasm'));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const deployed = await fetch(`${server.url}/v1/admin/plugins/versioned/versions`, {
      method: 'POST',
      body: bytes,
      headers: { ...auth, 'x-sha256': sha256 },
    });
    expect(deployed.status).toBe(201);
    const statuses = new Map<number, number>();
    const deadline = Date.now() + MAX_MS;
    let rolledBack = false;
    const afterRollback: string[] = [];
    const client = async (id: number) => {
      for (let index = 0; Date.now() < deadline && afterRollback.length < 200; index += 1) {
        const response = await fetch(`${server.url}/v1/plugins/versioned`, {
          method: 'POST',
          body: `${id}-${index}`,
        });
        const body = await response.text();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (rolledBack) afterRollback.push(`${response.status} ${body}`);
      }
    };
    const watcher = (async () => {
      while (!rolledBack && Date.now() < deadline) {
        const metrics = await (await fetch(`${server.url}/metrics`)).text();
        rolledBack = /^twinplug_rollbacks_total\{plugin="versioned",trigger="automatic"\} 1$/m.test(
          metrics,
        );
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    await Promise.all([watcher, ...Array.from({ length: CLIENTS }, (_, id) => client(id))]);
    expect(rolledBack).toBe(true);
    // The 20 faulted calls that decided it (traps, then the open circuit's fast failures), plus at
    // most the calls already on their way.
    const faulted = (statuses.get(502) ?? 0) + (statuses.get(503) ?? 0);
    expect(faulted).toBeGreaterThanOrEqual(20);
    expect(faulted).toBeLessThanOrEqual(20 + CLIENTS);
    expect([...statuses.keys()].sort()).toEqual(statuses.has(503) ? [200, 502, 503] : [200, 502]);
    // Once the rollback is visible, a client may still get the reply of a call sent before it.
    const late = afterRollback.slice(CLIENTS);
    expect(late.length).toBeGreaterThan(100);
    expect(late.every((line) => /^200 1\.0\.0:\d+-\d+$/.test(line))).toBe(true);
    const events = (await (
      await fetch(`${server.url}/v1/admin/events`, { headers: auth })
    ).json()) as {
      events: { type: string; trigger?: string }[];
    };
    expect(events.events.find((event) => event.type === 'rolled-back')).toMatchObject({
      trigger: 'automatic',
    });
  }, 30_000);
});
