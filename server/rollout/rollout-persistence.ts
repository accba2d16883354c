import type { ServedVersion } from '../../runtime/index.js';
import { ServerError } from '../errors/server-error.js';
import type { RolloutCommand, StoredRollout } from './control-store.js';
import type { RolloutDeps } from './rollout-deps.js';
import type { RolloutTraffic } from './rollout-traffic.js';

/** A compare-and-set another process won: its change reaches this one through the store. */
export const lostRace = (error: unknown) =>
  error instanceof ServerError && error.code === 'ROLLOUT_CONFLICT';

/** A command as a transition gives it; the store numbers it. */
export type UnnumberedCommand = Omit<NonNullable<StoredRollout['command']>, 'seq'>;

/**
 * What one plugin's {@link Rollout} writes to the {@link ControlStore} for the other processes:
 * its traffic, withdrawn builds and commands, and the build a swap turned to. Owns what this
 * process last stored and the last command it applied, so none is written or applied twice.
 */
export class RolloutPersistence {
  readonly #name: string;
  readonly #deps: Pick<RolloutDeps, 'store' | 'log'>;
  #appliedCommand = 0;
  /** What this process last stored of traffic and withdrawn builds. */
  #persisted = JSON.stringify([{}, []]);

  constructor(name: string, deps: Pick<RolloutDeps, 'store' | 'log'>) {
    this.#name = name;
    this.#deps = deps;
  }

  /** What was last stored, for {@link rewind} when a write counted on did not happen. */
  mark(): string {
    return this.#persisted;
  }

  rewind(mark: string): void {
    this.#persisted = mark;
  }

  /** Another process stored this policy and these withdrawn builds: nothing to write back. */
  followed(from: RolloutTraffic): void {
    this.#persisted = JSON.stringify([from.policy, [...from.withdrawn.values()]]);
  }

  /** True once for a command not applied yet; it counts as applied from now on. */
  fresh(command: RolloutCommand): boolean {
    // Read from the store, so not trusted to be a number: only a greater one is fresh.
    if (!(command.seq > this.#appliedCommand)) return false;
    this.#appliedCommand = command.seq;
    return true;
  }

  /** Writes traffic, withdrawn builds and, given one, a command for the other processes. */
  async write(from: RolloutTraffic, command?: UnnumberedCommand, basedOn?: number): Promise<void> {
    const traffic = from.policy;
    const withdrawn = [...from.withdrawn.values()];
    const written = JSON.stringify([traffic, withdrawn]);
    // Nothing new to tell the other processes (an upload that only swapped builds).
    if (command === undefined && basedOn === undefined && written === this.#persisted) return;
    this.#persisted = written;
    await this.#deps.store.update(
      this.#name,
      (current) => {
        const next: { -readonly [K in keyof StoredRollout]: StoredRollout[K] } = {
          ...current,
          traffic,
          withdrawn,
        };
        if (command !== undefined) {
          next.command = { ...command, seq: (current?.command?.seq ?? 0) + 1 };
          this.#appliedCommand = next.command.seq;
        }
        return next;
      },
      basedOn,
    );
  }

  /** Makes the swap outlive a restart: the store gets the build swapped to, when it kept it. */
  async restoreBuild(to: ServedVersion): Promise<void> {
    if (to.backend === undefined) return;
    try {
      if (!(await this.#deps.store.restoreArtifact(this.#name, to.backend, to.sha256)))
        this.#deps.log.warn(
          { plugin: this.#name, sha256: to.sha256 },
          'swapped in memory only: the folder still holds the other build (it was not uploaded through the admin API)',
        );
    } catch (error) {
      this.#deps.log.error(
        { err: error, plugin: this.#name },
        'cannot restore the build in the folder',
      );
    }
  }
}
