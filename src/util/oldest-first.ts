/**
 * Takes the oldest entries of a Map whose order is its eviction order (insertion order, or
 * recency when every update deletes and re-sets its key), each in O(1). `map.keys().next()`
 * would walk from the Map's start over every hole that deleted entries left, until V8 rehashes
 * it; one iterator kept for the Map's life resumes where the last take left off. Its next key is
 * always the oldest one: every key it has passed was deleted by `take` right after.
 */
export class OldestFirst<K, V> {
  private readonly keys: IterableIterator<K>;

  constructor(private readonly map: Map<K, V>) {
    this.keys = map.keys();
  }

  /** Deletes the oldest entry and returns its value. Only on a non-empty Map: an iterator that finds no key is spent for good. */
  take(): V {
    const key = this.keys.next().value as K;
    const value = this.map.get(key) as V;
    this.map.delete(key);
    return value;
  }
}
