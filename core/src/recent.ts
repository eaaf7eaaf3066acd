/**
 * The last few results of a pure function of a string, in a ring. Replies repeat word for word (help, an unknown
 * word, a usage error), and for them the work this skips (normalising, counting segments, escaping XML) is most of
 * an answer's cost; a miss costs a few string compares, mostly of strings of different lengths.
 */
export class RecentResults<V> {
  readonly #keys: string[] = []
  readonly #values: V[] = []
  #next = 0

  constructor (private readonly size: number, private readonly compute: (key: string) => V) {}

  get (key: string): V {
    for (let i = 0; i < this.#keys.length; i++) {
      if (this.#keys[i] === key) return this.#values[i]!
    }
    const value = this.compute(key)
    this.#keys[this.#next] = key
    this.#values[this.#next] = value
    this.#next = (this.#next + 1) % this.size
    return value
  }
}
