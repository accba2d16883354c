import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import { compiledEntry } from '../../compiled-entry.js';
import { PluginError, type SerializedPluginError } from '../../errors.js';
import type { PluginHost } from '../../host/plugin-host.js';
import type { PluginInfo } from '../../plugin.js';
import { workerEnv } from '../plugin-env.js';
import type { SessionHello, StartSession } from '../session.js';
import { channelViews, createChannel, type WorkerHello, type WorkerStart } from './channel.js';
import { serveWhileLoading } from './host-call-server.js';
import {
  RESOURCE_LIMITS,
  WorkerSession,
  type WorkerSessionOptions,
  workerDied,
} from './worker-session.js';

function spawn(
  options: WorkerSessionOptions,
  buffer: SharedArrayBuffer,
  port: MessagePort,
): Worker {
  const { env, ...settings } = options;
  const start: WorkerStart = { ...settings, buffer, port };
  return new Worker(compiledEntry('isolation/worker/worker-main.js'), {
    workerData: start,
    // The worker's own process.env: the names the options give, not a copy of the host's.
    env: workerEnv(env),
    transferList: [port],
    resourceLimits: RESOURCE_LIMITS,
    execArgv: [],
  });
}

function loadTimeout(timeoutMs: number): PluginError {
  return new PluginError('PLUGIN_TIMEOUT', `loading took longer than ${timeoutMs} ms`, {
    details: { timeoutMs },
  });
}

/** Waits for the worker's hello; on a failure, an exit or the timeout, terminates it. */
function instantiated(worker: Worker, loadTimeoutMs: number): Promise<SessionHello> {
  return new Promise((resolve, reject) => {
    const settle = (error: PluginError | undefined, hello?: SessionHello) => {
      clearTimeout(timer);
      worker.removeAllListeners();
      if (error === undefined) return resolve(hello!);
      void worker.terminate();
      reject(error);
    };
    const timer = setTimeout(() => settle(loadTimeout(loadTimeoutMs)), loadTimeoutMs);
    worker.once('error', (error) => settle(workerDied(error)));
    worker.once('exit', (code) => settle(workerDied(`exit code ${code} while loading`)));
    worker.once('message', (hello: WorkerHello) => {
      if (hello.type === 'failed')
        return settle(PluginError.fromJSON(hello.error as SerializedPluginError));
      settle(undefined, {
        backend: 'wasm',
        info: hello.info as PluginInfo,
        exports: hello.exports,
      });
    });
  });
}

/** Starts Wasm workers for one plugin: each resolves once the module is instantiated. */
export function workerSessions(host: PluginHost, options: WorkerSessionOptions): StartSession {
  return async (onEnded) => {
    const buffer = createChannel();
    const { port1, port2 } = new MessageChannel();
    const worker = spawn(options, buffer, port2);
    try {
      const loading = instantiated(worker, options.loadTimeoutMs);
      void serveWhileLoading(channelViews(buffer), host, loading);
      const hello = await loading;
      return new WorkerSession(
        { worker, views: channelViews(buffer), port: port1, host },
        hello,
        onEnded,
      );
    } catch (error) {
      port1.close();
      throw error;
    }
  };
}
