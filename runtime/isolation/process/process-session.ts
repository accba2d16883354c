import { type ChildProcess, spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { compiledEntry } from '../../compiled-entry.js';
import { PluginError, type SerializedPluginError } from '../../errors.js';
import { encodeHostReply, serveWireCall } from '../../host/host-wire.js';
import type { HostReply } from '../../host/link.js';
import type { PluginHost } from '../../host/plugin-host.js';
import type { Session, SessionHello } from '../session.js';
import {
  CALL,
  CLOSE,
  DONE,
  decodeJson,
  encodeFrame,
  FAILED,
  type Frame,
  type FrameReader,
  frameHeader,
  HOST_CALL,
  HOST_REPLY,
  INITIALIZE,
  OUTPUT,
  SMALL_FRAME_BYTES,
} from './frames.js';
import type { StderrForwarder } from './stderr-forwarder.js';

/** How long Cleanup may take at close before the child is killed. */
const CLOSE_GRACE_MS = 2_000;
const EMPTY = new Uint8Array(0);

interface Pending {
  readonly expect: number;
  resolve(payload: Uint8Array): void;
  reject(error: PluginError): void;
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal === null ? `exited with code ${code}` : `was killed by ${signal}`;
}

/** Writes one frame: copied into one buffer when small, corked into one writev when large. */
export function writeFrame(channel: Socket, type: number, payload: Uint8Array): void {
  if (payload.length <= SMALL_FRAME_BYTES) {
    channel.write(encodeFrame(type, payload));
    return;
  }
  channel.cork();
  channel.write(frameHeader(type, payload.length));
  channel.write(payload);
  channel.uncork();
}

/**
 * Spawns the plugin host child: this Node binary, no shell, the channel on fd 3, and only the
 * environment given (plugin-env.ts: an allow-list, so no NODE_OPTIONS, no server secrets).
 */
export function spawnChild(env: Readonly<Record<string, string>>): ChildProcess {
  return spawn(process.execPath, [compiledEntry('isolation/process/child-main.js')], {
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    env,
    windowsHide: true,
  });
}

/** A plugin loaded in one child process, spoken to in frames over the child's fd 3. */
export class ProcessSession implements Session {
  readonly hello: SessionHello;
  readonly #child: ChildProcess;
  readonly #channel: Socket;
  readonly #output: StderrForwarder;
  readonly #onEnded: (session: Session) => void;
  readonly #host: PluginHost;
  #pending: Pending | undefined;
  #ended: PluginError | undefined;
  #closing = false;

  constructor(
    parts: {
      child: ChildProcess;
      channel: Socket;
      reader: FrameReader;
      output: StderrForwarder;
      host: PluginHost;
    },
    hello: SessionHello,
    onEnded: (session: Session) => void,
  ) {
    this.#child = parts.child;
    this.#host = parts.host;
    this.#channel = parts.channel;
    this.#output = parts.output;
    this.hello = hello;
    this.#onEnded = onEnded;
    this.#channel.on('data', (chunk: Buffer) => this.#receive(parts.reader, chunk));
    this.#child.on('exit', (code, signal) => this.#end(this.#crashed(code, signal)));
    this.#setRef(false);
  }

  get pid(): number | undefined {
    return this.#ended === undefined ? this.#child.pid : undefined;
  }

  get ended(): PluginError | undefined {
    return this.#ended;
  }

  async initialize(config: Uint8Array): Promise<void> {
    await this.#request(INITIALIZE, config, DONE);
  }

  call(input: Uint8Array): Promise<Uint8Array> {
    return this.#request(CALL, input, OUTPUT);
  }

  kill(reason: PluginError): void {
    this.#end(reason);
    this.#child.kill('SIGKILL');
  }

  async close(): Promise<void> {
    if (this.#ended !== undefined) return;
    this.#closing = true;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), CLOSE_GRACE_MS);
    await this.#request(CLOSE, EMPTY, DONE).catch(() => undefined);
    await exited;
    clearTimeout(timer);
  }

  #crashed(code: number | null, signal: NodeJS.Signals | null): PluginError {
    return new PluginError('PLUGIN_CRASHED', `the plugin's process ${describeExit(code, signal)}`, {
      details: { exitCode: code, signal, output: this.#output.tail },
    });
  }

  #request(type: number, payload: Uint8Array, expect: number): Promise<Uint8Array> {
    if (this.#ended !== undefined) return Promise.reject(this.#ended);
    if (this.#pending !== undefined)
      return Promise.reject(new PluginError('PLUGIN_OVERLOADED', 'a request is in flight'));
    return new Promise((resolve, reject) => {
      this.#pending = { expect, resolve, reject };
      this.#setRef(true);
      writeFrame(this.#channel, type, payload);
    });
  }

  #receive(reader: FrameReader, chunk: Buffer): void {
    let frames: Frame[];
    try {
      frames = reader.push(chunk);
    } catch (error) {
      this.kill(error as PluginError);
      return;
    }
    for (const frame of frames) this.#settle(frame);
  }

  #settle(frame: Frame): void {
    if (frame.type === HOST_CALL && this.#pending !== undefined) {
      this.#serveHostCall(frame.payload);
      return;
    }
    const pending = this.#pending;
    this.#pending = undefined;
    this.#setRef(false);
    if (pending === undefined) return;
    if (frame.type === pending.expect) pending.resolve(frame.payload);
    else if (frame.type === FAILED) {
      const error = PluginError.fromJSON(decodeJson(frame.payload) as SerializedPluginError);
      pending.reject(error);
      // The plugin wrote where it must not (an adapted library's output overrun): its process
      // is not trusted with another call and is replaced.
      if (error.details?.instanceDiscarded === true) this.kill(error);
    } else pending.reject(new PluginError('PLUGIN_CRASHED', `unexpected frame type ${frame.type}`));
  }

  /** Serves a host call the child made while answering the pending request. */
  #serveHostCall(payload: Uint8Array): void {
    const reply = (answer: HostReply) => {
      if (this.#ended === undefined) writeFrame(this.#channel, HOST_REPLY, encodeHostReply(answer));
    };
    const served = serveWireCall(this.#host, payload);
    if (served instanceof Promise) served.then(reply, () => undefined);
    else reply(served);
  }

  #end(reason: PluginError): void {
    if (this.#ended !== undefined) return;
    this.#ended = reason;
    this.#output.flush();
    const pending = this.#pending;
    this.#pending = undefined;
    this.#setRef(false);
    pending?.reject(reason);
    if (!this.#closing) this.#onEnded(this);
  }

  /** Idle children must not keep the host alive; one with a request in flight must. */
  #setRef(active: boolean): void {
    // The child's handle too: its exit must be seen even after the channel has closed.
    if (active) {
      this.#channel.ref();
      this.#child.ref();
    } else {
      this.#channel.unref();
      this.#child.unref();
    }
  }
}
