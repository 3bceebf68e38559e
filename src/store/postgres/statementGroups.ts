/** GroupHooks say how a StatementGroups writes one request alone, and a group of them in one statement. */
export interface GroupHooks<P, R> {
  /** alone writes one request with its own statement (or transaction) and answers for it. */
  alone(p: P): Promise<R>;
  /**
   * together writes a group in one statement and returns the answers of the requests it wrote, by
   * their index in `group`; the others are written alone. It may throw: then all are.
   */
  together(group: readonly P[]): Promise<Map<number, R>>;
}

interface Waiting<P, R> {
  p: P;
  resolve: (answer: R) => void;
  reject: (error: unknown) => void;
}

/**
 * StatementGroups is group commit for one kind of PostgreSQL write, as the SQLite driver's
 * WriteQueue is for all of its writes: while `maxInFlight` statements are under way, requests
 * that arrive wait, and go together in the next (one round trip, one commit, one run of the
 * statement triggers for the counters and the NOTIFY, however many rows). A request the group
 * statement leaves out, and every request of a group whose statement failed (one bad row fails
 * it), is written alone, so each gets its own answer. A request answers only after its commit.
 */
export class StatementGroups<P, R> {
  private waiting: Waiting<P, R>[] = [];
  private inFlight = 0;
  private drained: (() => void)[] = [];

  constructor(
    private readonly hooks: GroupHooks<P, R>,
    private readonly maxInFlight = 2,
    private readonly maxGroup = 500,
  ) {}

  /** write writes `p`: alone when nothing waits, else in the next group. */
  write(p: P): Promise<R> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ p, resolve, reject });
      this.flush();
    });
  }

  /** drain settles once every request so far has answered (the store's close waits for it). */
  drain(): Promise<void> {
    if (this.inFlight === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  private flush(): void {
    while (this.inFlight < this.maxInFlight && this.waiting.length > 0) {
      const group = this.waiting.splice(0, this.maxGroup);
      this.inFlight++;
      void this.writeGroup(group).finally(() => {
        this.inFlight--;
        this.flush();
        if (this.inFlight === 0) for (const resolve of this.drained.splice(0)) resolve();
      });
    }
  }

  private async writeGroup(group: Waiting<P, R>[]): Promise<void> {
    let written = new Map<number, R>();
    if (group.length > 1) {
      try {
        written = await this.hooks.together(group.map((w) => w.p));
      } catch {
        // One row the statement could not take fails it: each request is then written alone below.
      }
    }
    await Promise.all(
      group.map(async (w, i) => {
        if (written.has(i)) return w.resolve(written.get(i)!);
        try {
          w.resolve(await this.hooks.alone(w.p));
        } catch (error) {
          w.reject(error);
        }
      }),
    );
  }
}
