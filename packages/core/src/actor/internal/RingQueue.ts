/**
 * FIFO queue on a power-of-two ring buffer: O(1) push and shift without the O(n) cost of
 * `Array.prototype.shift`, and no unbounded growth of a consumed prefix. Mailboxes live on this.
 */
export class RingQueue<T> {
  private buffer: (T | undefined)[];
  private mask: number;
  private head = 0;
  private tail = 0;

  constructor(initialCapacity = 16) {
    let capacity = 16;
    while (capacity < initialCapacity) capacity *= 2;
    this.buffer = new Array<T | undefined>(capacity);
    this.mask = capacity - 1;
  }

  get size(): number {
    return (this.tail - this.head) & this.mask;
  }

  get isEmpty(): boolean {
    return this.head === this.tail;
  }

  push(item: T): void {
    this.buffer[this.tail] = item;
    this.tail = (this.tail + 1) & this.mask;
    if (this.tail === this.head) this.grow();
  }

  shift(): T | undefined {
    if (this.head === this.tail) return undefined;
    const item = this.buffer[this.head];
    this.buffer[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    return item;
  }

  peek(): T | undefined {
    return this.head === this.tail ? undefined : this.buffer[this.head];
  }

  /** Removes everything. */
  clear(): void {
    while (this.head !== this.tail) {
      this.buffer[this.head] = undefined;
      this.head = (this.head + 1) & this.mask;
    }
  }

  /** Removes and returns everything, oldest first. */
  drain(): T[] {
    const items: T[] = [];
    while (this.head !== this.tail) items.push(this.shift() as T);
    return items;
  }

  private grow(): void {
    const old = this.buffer;
    const capacity = old.length * 2;
    const next = new Array<T | undefined>(capacity);
    // The queue is full: head === tail. Copy head..end, then 0..tail.
    let j = 0;
    for (let i = this.head; i < old.length; i++) next[j++] = old[i];
    for (let i = 0; i < this.tail; i++) next[j++] = old[i];
    this.buffer = next;
    this.mask = capacity - 1;
    this.head = 0;
    this.tail = old.length;
  }
}
