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
});
