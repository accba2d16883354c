import { describe, expect, it } from 'vitest';
import { CallQueue } from './call-queue.js';

describe('CallQueue', () => {
  it('lets `limit` calls run, queues `maxQueued` more in order, and refuses the next', async () => {
    const queue = new CallQueue(2, 2);
    expect([queue.acquire(), queue.acquire()]).toEqual([true, true]);
    const order: string[] = [];
    const third = queue.acquire() as Promise<void>;
    const fourth = queue.acquire() as Promise<void>;
    void third.then(() => order.push('third'));
    void fourth.then(() => order.push('fourth'));
    expect(() => queue.acquire()).toThrow(expect.objectContaining({ code: 'PLUGIN_OVERLOADED' }));
    expect([queue.active, queue.queued]).toEqual([2, 2]);
    queue.release();
    await third;
    expect(order).toEqual(['third']);
    queue.release();
    await fourth;
    expect(order).toEqual(['third', 'fourth']);
    expect([queue.active, queue.queued]).toEqual([2, 0]);
    queue.release();
    queue.release();
    expect(queue.active).toBe(0);
    expect(queue.acquire()).toBe(true);
  });

  it('with no queue, refuses as soon as every slot is taken', () => {
    const queue = new CallQueue(1, 0);
    expect(queue.acquire()).toBe(true);
    expect(() => queue.acquire()).toThrow(expect.objectContaining({ code: 'PLUGIN_OVERLOADED' }));
  });

  it('a queue that never empties stays bounded as calls flow through it', async () => {
    const queue = new CallQueue(1, 3);
    queue.acquire();
    const waiting = [queue.acquire(), queue.acquire()];
    for (let round = 0; round < 500; round += 1) {
      waiting.push(queue.acquire());
      queue.release();
      await waiting.shift();
      expect(queue.queued).toBe(2);
    }
  });

  it('a queued call leaves when its signal aborts: PLUGIN_CANCELLED, and its turn goes to the next', async () => {
    const queue = new CallQueue(1, 2);
    queue.acquire();
    const controller = new AbortController();
    const first = queue.acquire({ signal: controller.signal, waitMs: 60_000 }) as Promise<void>;
    const second = queue.acquire({ waitMs: 60_000 }) as Promise<void>;
    controller.abort();
    await expect(first).rejects.toMatchObject({ code: 'PLUGIN_CANCELLED' });
    expect(queue.queued).toBe(1);
    queue.release();
    await second;
    expect([queue.active, queue.queued]).toEqual([1, 0]);
  });

  it('a queued call leaves after waitMs with PLUGIN_OVERLOADED; the others keep their place', async () => {
    const queue = new CallQueue(1, 3);
    queue.acquire();
    const patient = queue.acquire({ waitMs: 60_000 }) as Promise<void>;
    const hasty = queue.acquire({ waitMs: 5 }) as Promise<void>;
    await expect(hasty).rejects.toMatchObject({
      code: 'PLUGIN_OVERLOADED',
      details: { queueTimeoutMs: 5 },
    });
    expect(queue.queued).toBe(1);
    queue.release();
    await patient;
  });

  it('calls that keep leaving a queue that never moves do not fill it', async () => {
    const queue = new CallQueue(1, 2);
    queue.acquire();
    for (let round = 0; round < 300; round += 1) {
      const controller = new AbortController();
      const waiting = queue.acquire({ signal: controller.signal, waitMs: 60_000 }) as Promise<void>;
      controller.abort();
      await expect(waiting).rejects.toMatchObject({ code: 'PLUGIN_CANCELLED' });
    }
    expect(queue.queued).toBe(0);
    const last = queue.acquire({ waitMs: 60_000 }) as Promise<void>;
    queue.release();
    await last;
  });
});
