// WASI preview 1, implemented by the runtime rather than node:wasi (which Node documents as
// no sandbox for untrusted code): no file system, no sockets, no environment. stdout and stderr
// become log lines, the clock and random bytes come from the host (fixed and seeded in
// deterministic mode), every other function answers ENOSYS or EBADF instead of trapping.
import { TP_STATUS } from './api.js';
import { CLOCK_IDS } from './entropy.js';
import type { GuestMemory, GuestPointer } from './host-glue.js';
import type { HostLink } from './link.js';

export const WASI_MODULE = 'wasi_snapshot_preview1';

const ERRNO = { SUCCESS: 0, BADF: 8, FAULT: 21, INVAL: 28, NOSYS: 52, NOTCAPABLE: 76 } as const;

/** Every preview-1 function with its signature ('i' i32, 'I' i64; params>results). */
export const WASI_SIGNATURES: Readonly<Record<string, string>> = {
  args_get: 'ii>i',
  args_sizes_get: 'ii>i',
  environ_get: 'ii>i',
  environ_sizes_get: 'ii>i',
  clock_res_get: 'ii>i',
  clock_time_get: 'iIi>i',
  fd_advise: 'iIIi>i',
  fd_allocate: 'iII>i',
  fd_close: 'i>i',
  fd_datasync: 'i>i',
  fd_fdstat_get: 'ii>i',
  fd_fdstat_set_flags: 'ii>i',
  fd_fdstat_set_rights: 'iII>i',
  fd_filestat_get: 'ii>i',
  fd_filestat_set_size: 'iI>i',
  fd_filestat_set_times: 'iIIi>i',
  fd_pread: 'iiiIi>i',
  fd_prestat_get: 'ii>i',
  fd_prestat_dir_name: 'iii>i',
  fd_pwrite: 'iiiIi>i',
  fd_read: 'iiii>i',
  fd_readdir: 'iiiIi>i',
  fd_renumber: 'ii>i',
  fd_seek: 'iIii>i',
  fd_sync: 'i>i',
  fd_tell: 'ii>i',
  fd_write: 'iiii>i',
  path_create_directory: 'iii>i',
  path_filestat_get: 'iiiii>i',
  path_filestat_set_times: 'iiiiIIi>i',
  path_link: 'iiiiiii>i',
  path_open: 'iiiiiIIii>i',
  path_readlink: 'iiiiii>i',
  path_remove_directory: 'iii>i',
  path_rename: 'iiiiii>i',
  path_symlink: 'iiiii>i',
  path_unlink_file: 'iii>i',
  poll_oneoff: 'iiii>i',
  proc_exit: 'i>',
  proc_raise: 'i>i',
  sched_yield: '>i',
  random_get: 'ii>i',
  sock_accept: 'iii>i',
  sock_recv: 'iiiiii>i',
  sock_send: 'iiiii>i',
  sock_shutdown: 'ii>i',
};

/** proc_exit: the plugin asked to end; the call fails with PLUGIN_EXITED. */
export class WasiExit extends Error {
  constructor(readonly exitCode: number) {
    super(`proc_exit(${exitCode})`);
  }
}

const STDIO_FDS = 3;
const FILETYPE_CHARACTER_DEVICE = 2;
const RIGHT_FD_READ = 2n;
const RIGHT_FD_WRITE = 64n;
const RANDOM_CHUNK = 65536;

/** The WASI imports of one instance; `flush()` writes out lines left without a newline. */
export class Wasi {
  readonly #link: HostLink;
  readonly #memory: GuestMemory;
  readonly #maxLineBytes: number;
  readonly #pending = new Map<number, Uint8Array[]>();

  constructor(link: HostLink, memory: GuestMemory, maxLineBytes: number) {
    this.#link = link;
    this.#memory = memory;
    this.#maxLineBytes = maxLineBytes;
  }

  imports(): Record<string, (...args: never[]) => number | undefined> {
    const table: Record<string, (...args: never[]) => number | undefined> = {};
    for (const [name, signature] of Object.entries(WASI_SIGNATURES)) {
      const fdFirst = /^(fd|path|sock)_/.test(name);
      table[name] = (first: number) =>
        fdFirst && (first < 0 || first >= STDIO_FDS) ? ERRNO.BADF : ERRNO.NOSYS;
      void signature;
    }
    Object.assign(table, this.#implemented());
    return table;
  }

  /** Sends what stdout and stderr hold without a final newline, as one line each. */
  flush(): void {
    for (const fd of [...this.#pending.keys()]) this.#emit(fd);
  }

  #implemented() {
    const memory = this.#memory;
    const zeroPair = (a: number, b: number) =>
      memory.writeU32(a, 0) && memory.writeU32(b, 0) ? ERRNO.SUCCESS : ERRNO.FAULT;
    return {
      args_get: () => ERRNO.SUCCESS,
      environ_get: () => ERRNO.SUCCESS,
      args_sizes_get: zeroPair,
      environ_sizes_get: zeroPair,
      sched_yield: () => ERRNO.SUCCESS,
      proc_exit: (code: number): never => {
        throw new WasiExit(code);
      },
      fd_write: (fd: number, iovs: number, count: number, written: number) =>
        this.#fdWrite(fd, iovs, count, written),
      fd_read: (fd: number, _iovs: number, _count: number, read: number) =>
        fd === 0 ? (memory.writeU32(read, 0) ? ERRNO.SUCCESS : ERRNO.FAULT) : ERRNO.BADF,
      fd_close: (fd: number) => (fd >= 0 && fd < STDIO_FDS ? ERRNO.SUCCESS : ERRNO.BADF),
      fd_prestat_get: () => ERRNO.BADF,
      fd_fdstat_get: (fd: number, at: number) => this.#fdstat(fd, at),
      clock_res_get: (id: number, at: number) => this.#putU64(id, at, 1000n),
      clock_time_get: (id: number, _precision: bigint, at: number) => this.#clock(id, at),
      random_get: (at: number, length: number) => this.#random(at, length >>> 0),
    };
  }

  #putU64(id: number, at: GuestPointer, value: bigint): number {
    if (id < 0 || id >= CLOCK_IDS) return ERRNO.INVAL;
    const target = this.#memory.writable(at, 8);
    if (target === undefined) return ERRNO.FAULT;
    new DataView(target.buffer, target.byteOffset, 8).setBigUint64(0, value, true);
    return ERRNO.SUCCESS;
  }

  #clock(id: number, at: number): number {
    if (id < 0 || id >= CLOCK_IDS) return ERRNO.INVAL;
    if (this.#memory.writable(at, 8) === undefined) return ERRNO.FAULT;
    const answer = this.#link.invoke('clock', id, []);
    if (answer.status !== TP_STATUS.OK || answer.data === undefined) return ERRNO.NOTCAPABLE;
    this.#memory.writable(at, 8)!.set(answer.data);
    return ERRNO.SUCCESS;
  }

  #random(at: number, length: number): number {
    if (this.#memory.writable(at, length) === undefined) return ERRNO.FAULT;
    for (let done = 0; done < length; done += RANDOM_CHUNK) {
      const count = Math.min(RANDOM_CHUNK, length - done);
      const answer = this.#link.invoke('random', count, []);
      if (answer.status !== TP_STATUS.OK || answer.data === undefined) return ERRNO.NOTCAPABLE;
      this.#memory.writable(at + done, count)!.set(answer.data);
    }
    return ERRNO.SUCCESS;
  }

  #fdstat(fd: number, at: number): number {
    if (fd < 0 || fd >= STDIO_FDS) return ERRNO.BADF;
    const target = this.#memory.writable(at, 24);
    if (target === undefined) return ERRNO.FAULT;
    target.fill(0);
    target[0] = FILETYPE_CHARACTER_DEVICE;
    const view = new DataView(target.buffer, target.byteOffset, 24);
    view.setBigUint64(8, fd === 0 ? RIGHT_FD_READ : RIGHT_FD_WRITE, true);
    return ERRNO.SUCCESS;
  }

  #fdWrite(fd: number, iovs: number, count: number, written: number): number {
    if (fd !== 1 && fd !== 2) return ERRNO.BADF;
    const vectors = this.#memory.read(iovs, count * 8);
    if (vectors === undefined) return ERRNO.FAULT;
    const view = new DataView(vectors.buffer, vectors.byteOffset, vectors.length);
    let total = 0;
    const chunks: Uint8Array[] = [];
    for (let index = 0; index < count; index += 1) {
      const bytes = this.#memory.read(
        view.getUint32(index * 8, true),
        view.getUint32(index * 8 + 4, true),
      );
      if (bytes === undefined) return ERRNO.FAULT;
      chunks.push(bytes.slice());
      total += bytes.length;
    }
    if (!this.#memory.writeU32(written, total)) return ERRNO.FAULT;
    for (const chunk of chunks) this.#buffer(fd, chunk);
    return ERRNO.SUCCESS;
  }

  /** Splits output into lines; a line longer than the limit is sent in pieces. */
  #buffer(fd: number, chunk: Uint8Array): void {
    let rest = chunk;
    for (let newline = rest.indexOf(10); newline >= 0; newline = rest.indexOf(10)) {
      this.#append(fd, rest.subarray(0, newline));
      this.#emit(fd);
      rest = rest.subarray(newline + 1);
    }
    if (rest.length > 0) this.#append(fd, rest);
  }

  #append(fd: number, bytes: Uint8Array): void {
    const parts = this.#pending.get(fd) ?? [];
    parts.push(bytes);
    this.#pending.set(fd, parts);
    if (parts.reduce((sum, part) => sum + part.length, 0) >= this.#maxLineBytes) this.#emit(fd);
  }

  #emit(fd: number): void {
    const parts = this.#pending.get(fd) ?? [];
    this.#pending.delete(fd);
    this.#link.invoke('wasi_write', fd, [Buffer.concat(parts)]);
  }
}
