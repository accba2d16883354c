import type { Socket } from 'node:net';
import { PluginError, type SerializedPluginError } from '../../errors.js';
import type { PluginInfo } from '../../plugin.js';
import type { Session, SessionHello, StartSession } from '../session.js';
import {
  type ChildSettings,
  decodeJson,
  encodeLoad,
  FAILED,
  type Frame,
  FrameReader,
  READY,
} from './frames.js';
import { ProcessSession, spawnChild } from './process-session.js';
import { StderrForwarder } from './stderr-forwarder.js';

export interface ProcessSessionOptions {
  readonly settings: ChildSettings;
  /** The bytes the host read and hashed: the child loads exactly these. */
  readonly artifact: Uint8Array;
  /** Prefixes the child's forwarded output. */
  readonly label: string;
  readonly onStderr: (text: string) => void;
  /** Starting and loading past this is PLUGIN_TIMEOUT (a library constructor may never return). */
  readonly loadTimeoutMs: number;
  /** The largest frame the host accepts from the child. */
  readonly maxFrameBytes: number;
}

function loadFailure(frame: Frame): PluginError {
  if (frame.type === FAILED)
    return PluginError.fromJSON(decodeJson(frame.payload) as SerializedPluginError);
  return new PluginError('PLUGIN_CRASHED', `plugin child sent frame type ${frame.type} first`);
}

/** Starts plugin host children: each resolves once the child has loaded the artifact. */
export function processSessions(options: ProcessSessionOptions): StartSession {
  return (onEnded) =>
    new Promise<Session>((resolve, reject) => {
      const child = spawnChild();
      const channel = child.stdio[3] as Socket;
      const output = new StderrForwarder(options.label, options.onStderr);
      for (const stream of [child.stdout, child.stderr] as Socket[]) {
        stream.on('data', (chunk: Buffer) => output.push(chunk));
        stream.unref();
      }
      child.unref();
      // Writing to a child that just died fails with EPIPE; its exit event reports the death.
      channel.on('error', () => undefined);
      const reader = new FrameReader(options.maxFrameBytes);
      const fail = (error: PluginError) => {
        clearTimeout(timer);
        channel.removeAllListeners('data');
        child.removeAllListeners('exit');
        output.flush();
        child.kill('SIGKILL');
        reject(error);
      };
      const timer = setTimeout(() => {
        const { loadTimeoutMs } = options;
        fail(
          new PluginError('PLUGIN_TIMEOUT', `loading took longer than ${loadTimeoutMs} ms`, {
            details: { timeoutMs: loadTimeoutMs },
          }),
        );
      }, options.loadTimeoutMs);
      child.once('error', (error) =>
        fail(
          new PluginError('PLUGIN_LOAD_FAILED', `cannot start the plugin child: ${error.message}`),
        ),
      );
      child.once('exit', (code, signal) => {
        const how = signal === null ? `exited with code ${code}` : `was killed by ${signal}`;
        fail(
          new PluginError('PLUGIN_CRASHED', `the plugin's process ${how} while loading`, {
            details: { exitCode: code, signal, output: output.tail },
          }),
        );
      });
      channel.on('data', (chunk: Buffer) => {
        let frame: Frame | undefined;
        try {
          frame = reader.push(chunk)[0];
        } catch (error) {
          return fail(error as PluginError);
        }
        if (frame === undefined) return;
        if (frame.type !== READY) return fail(loadFailure(frame));
        clearTimeout(timer);
        channel.removeAllListeners('data');
        child.removeAllListeners('exit');
        const hello = decodeJson(frame.payload) as {
          backend: 'native' | 'wasm';
          info: PluginInfo;
          exports: string[];
        };
        const greeting: SessionHello = hello;
        resolve(new ProcessSession({ child, channel, reader, output }, greeting, onEnded));
      });
      channel.write(encodeLoad(options.settings, options.artifact));
    });
}
