/** Spins that missed cost two credits, spins that paid off earn one: spinning stays on while
 * more than two in three pay off. */
const MAX_CREDIT = 8;
const MISS_COST = 2;
/** With spinning off, every PROBE_EVERY-th wait spins anyway, to notice when it pays again. */
const PROBE_EVERY = 16;

/**
 * Whether a thread waiting for the other side should spin before it sleeps. Spinning turns a
 * round trip into microseconds while both threads have a core; when they do not (a machine with
 * more runnable threads than cores), a spinning thread burns the time slice the other side needs,
 * and sleeping at once is several times faster. The policy follows what recent spins achieved.
 */
export class SpinPolicy {
  #credit = MAX_CREDIT;
  #skipped = 0;

  shouldSpin(): boolean {
    if (this.#credit > 0) return true;
    this.#skipped += 1;
    if (this.#skipped < PROBE_EVERY) return false;
    this.#skipped = 0;
    return true;
  }

  /** Records whether the other side answered within the spin. */
  record(answeredInSpin: boolean): void {
    this.#credit = answeredInSpin
      ? Math.min(MAX_CREDIT, this.#credit + 1)
      : Math.max(0, this.#credit - MISS_COST);
  }
}
