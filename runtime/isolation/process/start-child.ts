import type { ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { PluginError, type SerializedPluginError } from '../../errors.js';
import { encodeHostReply, serveWireCall } from '../../host/host-wire.js';
import type { HostReply } from '../../host/link.js';
import type { PluginHost } from '../../host/plugin-host.js';
import type { SessionHello, StartSession } from '../session.js';
import {
  type ChildSettings,
  decodeJson,
  encodeLoad,
  FAILED,
  type Frame,
  FrameReader,
  HOST_CALL,
  HOST_REPLY,
  READY,
} from './frames.js';
import { ProcessSession, spawnChild, writeFrame } from './process-session.js';
import { StderrForwarder } from './stderr-forwarder.js';

export interface ProcessSessionOptions {
  readonly settings: ChildSettings;
  /** The bytes the host read and hashed: the child loads exactly these. */
  readonly artifact: Uint8Array;
  /** Serves the child's host calls. */
  readonly host: PluginHost;
  /** Prefixes the child's forwarded output. */
  readonly label: string;
  readonly onStderr: (text: string) => void;
  /** Starting and loading past this is PLUGIN_TIMEOUT (a library constructor may never return). */
  readonly loadTimeoutMs: number;
  /** The largest frame the host accepts from the child. */
  readonly maxFrameBytes: number;
  /** The child's whole environment (plugin-env.ts). */
  readonly env: Readonly<Record<string, string>>;
}

function loadFailure(frame: Frame): PluginError {
  if (frame.type === FAILED)
    return PluginError.fromJSON(decodeJson(frame.payload) as SerializedPluginError);
  return new PluginError('PLUGIN_CRASHED', `plugin child sent frame type ${frame.type} first`);
}

interface ChildParts {
  readonly child: ChildProcess;
  readonly channel: Socket;
  readonly reader: FrameReader;
  readonly output: StderrForwarder;
}

/** Spawns a child with its output drained and forwarded, and nothing holding the host open. */
function spawnDrained(options: ProcessSessionOptions): ChildParts {
  const child = spawnChild(options.env);
  const channel = child.stdio[3] as Socket;
  const output = new StderrForwarder(options.label, options.onStderr);
  for (const stream of [child.stdout, child.stderr] as Socket[]) {
    stream.on('data', (chunk: Buffer) => output.push(chunk));
    stream.unref();
  }
  child.unref();
  // Writing to a child that just died fails with EPIPE; its exit event reports the death.
  channel.on('error', () => undefined);
  return { child, channel, reader: new FrameReader(options.maxFrameBytes), output };
}

function loadTimeout(timeoutMs: number): PluginError {
  return new PluginError('PLUGIN_TIMEOUT', `loading took longer than ${timeoutMs} ms`, {
    details: { timeoutMs },
  });
}

function diedWhileLoading(code: number | null, signal: string | null, output: string) {
  const how = signal === null ? `exited with code ${code}` : `was killed by ${signal}`;
  return new PluginError('PLUGIN_CRASHED', `the plugin's process ${how} while loading`, {
    details: { exitCode: code, signal, output },
  });
}

/** A host call from a WASI reactor's `_initialize` or PluginInfo, before READY. */
function serveDuringLoad(host: PluginHost, channel: Socket, payload: Uint8Array): void {
  const reply = (answer: HostReply) => writeFrame(channel, HOST_REPLY, encodeHostReply(answer));
  const served = serveWireCall(host, payload);
  if (served instanceof Promise) served.then(reply, () => undefined);
  else reply(served);
}

/** Sends LOAD and waits for READY; on anything else (a failure, an exit, the timeout) kills the child. */
function loaded(parts: ChildParts, options: ProcessSessionOptions): Promise<SessionHello> {
  const { child, channel, reader, output } = parts;
  return new Promise((resolve, reject) => {
    const settle = (error: PluginError | undefined, hello?: SessionHello) => {
      clearTimeout(timer);
      channel.removeAllListeners('data');
      child.removeAllListeners('exit');
      if (error === undefined) return resolve(hello!);
      output.flush();
      child.kill('SIGKILL');
      reject(error);
    };
    const timer = setTimeout(
      () => settle(loadTimeout(options.loadTimeoutMs)),
      options.loadTimeoutMs,
    );
    child.once('error', (error) =>
      settle(
        new PluginError('PLUGIN_LOAD_FAILED', `cannot start the plugin child: ${error.message}`),
      ),
    );
    child.once('exit', (code, signal) => settle(diedWhileLoading(code, signal, output.tail)));
    channel.on('data', (chunk: Buffer) => {
      let frame: Frame | undefined;
      try {
        frame = reader.push(chunk)[0];
      } catch (error) {
        return settle(error as PluginError);
      }
      if (frame === undefined) return;
      if (frame.type === HOST_CALL) return serveDuringLoad(options.host, channel, frame.payload);
      if (frame.type !== READY) return settle(loadFailure(frame));
      settle(undefined, decodeJson(frame.payload) as SessionHello);
    });
    channel.write(encodeLoad(options.settings, options.artifact));
  });
}

/** Starts plugin host children: each resolves once the child has loaded the artifact. */
export function processSessions(options: ProcessSessionOptions): StartSession {
  return async (onEnded) => {
    const parts = spawnDrained(options);
    const hello = await loaded(parts, options);
    return new ProcessSession({ ...parts, host: options.host }, hello, onEnded);
  };
}
