interface Job {
  timer: NodeJS.Timeout | undefined;
  running: Promise<void> | undefined;
  again: boolean;
}

/**
 * Runs one async job per key: debounced (a burst of file events is one run), never two at once
 * for the same key (an event during a run schedules one more run after it), different keys in
 * parallel.
 */
export class KeyedJobs {
  readonly #jobs = new Map<string, Job>();
  readonly #run: (key: string) => Promise<void>;
  readonly #debounceMs: number;
  readonly #onError: (error: unknown) => void;
  #idleWaiters: (() => void)[] = [];
  #closed = false;

  constructor(
    run: (key: string) => Promise<void>,
    debounceMs: number,
    onError: (error: unknown) => void,
  ) {
    this.#run = run;
    this.#debounceMs = debounceMs;
    this.#onError = onError;
  }

  schedule(key: string): void {
    if (this.#closed) return;
    let job = this.#jobs.get(key);
    if (job === undefined) {
      job = { timer: undefined, running: undefined, again: false };
      this.#jobs.set(key, job);
    }
    const scheduled = job;
    clearTimeout(scheduled.timer);
    scheduled.timer = setTimeout(() => {
      scheduled.timer = undefined;
      this.#start(key, scheduled);
    }, this.#debounceMs);
  }

  /** Resolves once no job is waiting or running. */
  whenIdle(): Promise<void> {
    return new Promise((done) => {
      this.#idleWaiters.push(done);
      this.#checkIdle();
    });
  }

  /** Drops the jobs not started and waits for the running ones. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#jobs.values()) clearTimeout(job.timer);
    await Promise.all([...this.#jobs.values()].map((job) => job.running));
    this.#jobs.clear();
    this.#checkIdle();
  }

  #start(key: string, job: Job): void {
    if (job.running !== undefined) {
      job.again = true;
      return;
    }
    job.running = this.#run(key)
      .catch(this.#onError)
      .finally(() => {
        job.running = undefined;
        if (job.again && !this.#closed) {
          job.again = false;
          this.schedule(key);
        } else if (job.timer === undefined) {
          this.#jobs.delete(key);
        }
        this.#checkIdle();
      });
  }

  #checkIdle(): void {
    for (const job of this.#jobs.values()) {
      if (job.timer !== undefined || job.running !== undefined) return;
    }
    for (const done of this.#idleWaiters.splice(0)) done();
  }
}
