import type { PluginError } from '../errors.js';
import type { Backend, PluginInfo } from '../plugin.js';

/** What a freshly started worker or child reports about the plugin it loaded. */
export interface SessionHello {
  readonly backend: Backend;
  readonly info: PluginInfo;
  readonly exports: readonly string[];
}

/**
 * One running worker thread or child process with the plugin loaded in it: requests go one at a
 * time. It ends when it crashes, is killed, or is closed; it is never reused after that.
 */
export interface Session {
  readonly hello: SessionHello;
  /** The child's process id (process isolation). */
  readonly pid: number | undefined;
  /** Why the session ended, once it has. */
  readonly ended: PluginError | undefined;
  initialize(config: Uint8Array): Promise<void>;
  call(input: Uint8Array): Promise<Uint8Array>;
  /** Ends the session at once; the request in flight rejects with `reason`. */
  kill(reason: PluginError): void;
  /** Calls Cleanup and lets the worker or child exit, ending it when it does not in time. */
  close(): Promise<void>;
}

/**
 * Starts a session, resolving once the plugin is loaded (not yet initialised). `onEnded` is
 * called once if the session ends other than through close(): a crash, a kill, an exit.
 */
export type StartSession = (onEnded: (session: Session) => void) => Promise<Session>;
