/**
 * Requests that set a state somewhere else (a secure frame's size or mode, kept by the content
 * script) travel through the background, whose worker can stop before it answers. Each kind of
 * request sets one state, so only the newest of a kind matters: if it is lost, it is sent again,
 * a few times, unless a newer one of its kind was sent since. Without this a lost size report was
 * final: a message frame kept its ciphertext's height, pushed the bubbles above it out of the
 * site's virtualized list, and the earlier parts of its message never loaded.
 */
export class LatestResender<T> {
  private readonly sent = new Map<string, number>();

  constructor(
    private readonly send: (value: T) => Promise<unknown>,
    /** Whether a failure may pass (no reply from a stopping worker); a refusal is final. */
    private readonly transient: (e: unknown) => boolean,
    private readonly tries = 6,
    private readonly delayMs = 250,
  ) {}

  /** Sends `value` as the newest state of `kind`. */
  set(kind: string, value: T): void {
    const n = (this.sent.get(kind) ?? 0) + 1;
    this.sent.set(kind, n);
    this.attempt(kind, n, value, 1);
  }

  private attempt(kind: string, n: number, value: T, attempt: number): void {
    this.send(value).catch((e: unknown) => {
      if (this.sent.get(kind) !== n || attempt >= this.tries || !this.transient(e)) return;
      setTimeout(() => this.sent.get(kind) === n && this.attempt(kind, n, value, attempt + 1), this.delayMs * attempt);
    });
  }
}
