import { closeSync, readdirSync, readFileSync } from 'node:fs';

/** Linux's close-on-exec bit in /proc/<pid>/fdinfo's octal `flags`. */
const O_CLOEXEC = 0o2000000;

function flagsOf(fd: number): number | undefined {
  try {
    const info = readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8');
    const flags = /^flags:\s*([0-7]+)$/m.exec(info)?.[1];
    return flags === undefined ? undefined : Number.parseInt(flags, 8);
  } catch {
    return undefined; // closed meanwhile (the listing's own descriptor)
  }
}

/**
 * Closes the descriptors above `highest` that this process inherited across exec: the ones a
 * host passed on without meaning to, because its own parent left them open (a shell's `5>file`,
 * a supervisor's socket). Node and libuv open every descriptor of their own close-on-exec, so a
 * descriptor without that flag, above stdio and the channel, came from outside. Linux only
 * (it reads /proc/self/fdinfo); elsewhere nothing is closed (docs/security.md). Returns what
 * was closed.
 */
export function closeInheritedDescriptors(highest: number): number[] {
  if (process.platform !== 'linux') return [];
  let names: string[];
  try {
    names = readdirSync('/proc/self/fd');
  } catch {
    return [];
  }
  const closed: number[] = [];
  for (const name of names) {
    const fd = Number(name);
    if (!(fd > highest)) continue;
    const flags = flagsOf(fd);
    if (flags === undefined || (flags & O_CLOEXEC) !== 0) continue;
    closeSync(fd);
    closed.push(fd);
  }
  return closed;
}
