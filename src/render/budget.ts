/**
 * A size budget for a cache: knows each entry's size in the order the entries were last used, and
 * names the least recently used ones to evict once the total is over the limit. Decrypted messages
 * are cached in storage.session, which is small (10 MB in Chromium) and shared with the frames'
 * records: without a bound, reading a long history would fill it and stop every new message.
 */
export class SizeBudget {
  private sizes = new Map<string, number>();
  private used = 0;

  constructor(readonly limit: number) {}

  get total(): number {
    return this.used;
  }

  has(key: string): boolean {
    return this.sizes.has(key);
  }

  /**
   * Records an entry (again) as the newest; returns the keys to evict, oldest first. An entry
   * bigger than the whole budget is evicted itself.
   */
  add(key: string, size: number): string[] {
    this.delete(key);
    this.sizes.set(key, size);
    this.used += size;
    return this.overflow();
  }

  /** Records entries as older than every entry known so far (found in storage after a restart). */
  addOlder(entries: [string, number][]): string[] {
    const older = entries.filter(([k]) => !this.sizes.has(k));
    this.sizes = new Map([...older, ...this.sizes]);
    for (const [, s] of older) this.used += s;
    return this.overflow();
  }

  /** Marks an entry as just used, so it is evicted last. */
  touch(key: string): void {
    const size = this.sizes.get(key);
    if (size === undefined) return;
    this.sizes.delete(key);
    this.sizes.set(key, size);
  }

  delete(key: string): void {
    const size = this.sizes.get(key);
    if (size === undefined) return;
    this.sizes.delete(key);
    this.used -= size;
  }

  clear(): void {
    this.sizes.clear();
    this.used = 0;
  }

  private overflow(): string[] {
    const evicted: string[] = [];
    for (const [k, s] of this.sizes) {
      if (this.used <= this.limit) break;
      this.sizes.delete(k);
      this.used -= s;
      evicted.push(k);
    }
    return evicted;
  }
}

/** An entry's size as storage counts it: the key and the value's JSON, in UTF-8 bytes. */
export function storedSize(key: string, value: unknown): number {
  return new TextEncoder().encode(key + JSON.stringify(value)).length;
}
