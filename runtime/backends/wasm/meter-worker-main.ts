// The metering worker: receives a module's bytes, answers them metered (or the typed error
// metering them gave). It holds nothing between requests and calls nothing of the host.
import { parentPort } from 'node:worker_threads';
import { meterFailed, meterValid } from './meter-valid.js';
import type { MeterReply, MeterRequest } from './meter-worker.js';

const port = parentPort!;

port.on('message', async ({ id, bytes }: MeterRequest) => {
  let metered: Uint8Array;
  try {
    metered = await meterValid(bytes);
  } catch (error) {
    port.postMessage({ id, error: meterFailed(error).toJSON() } satisfies MeterReply);
    return;
  }
  port.postMessage({ id, bytes: metered } satisfies MeterReply, [metered.buffer as ArrayBuffer]);
});
