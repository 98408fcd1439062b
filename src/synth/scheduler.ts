import type { FrameBuilder } from './frame-builder.js';

/**
 * A simulated activity. It yields the time (µs since the epoch) at which it
 * wants to run next; when resumed at that time it may write at most one
 * frame into the builder (and spawn other actors) before yielding again.
 */
export type Actor = Generator<number, void, void>;

/**
 * Merges the packets of many concurrent actors into one time-ordered stream.
 * Actors are kept in a binary heap keyed on (wake time, push order), so ties
 * are broken deterministically. Each actor carries a tag (an attack's index,
 * or -1 for benign work) that the actors it spawns inherit, so every frame can
 * be attributed to what made it.
 */
export class Scheduler {
  /** Time of the actor being resumed, µs since the epoch. */
  now: number;
  /** Timestamp of the last emitted frame, µs since the epoch. */
  ts = -1;
  /**
   * TCP payload to TLS ports is cut into TLS records (see TcpConn.send), so a
   * dissector never reads random bytes as a record header. Off in the classic
   * profile, whose bytes are pinned; there tshark reads about one segment in a
   * million as a malformed SSLv2 record.
   */
  tlsRecords = false;
  /** Tag of the actor being resumed, and so of the frame it writes. */
  tag = -1;
  private readonly times: number[] = [];
  private readonly tags: number[] = [];
  private readonly orders: number[] = [];
  private readonly actors: Actor[] = [];
  private pushes = 0;

  /** Runs actors from `start` and drops any that wake at or after `end` (both µs). */
  constructor(readonly fb: FrameBuilder, start: number, readonly end: number) {
    this.now = start;
  }

  /** Starts `actor` with `tag` (by default the spawning actor's): runs it to its first yield and queues it. */
  spawn(actor: Actor, tag = this.tag): void {
    const outer = this.tag;
    this.tag = tag;
    const r = actor.next();
    this.tag = outer;
    if (!r.done) this.push(actor, r.value, tag);
  }

  /**
   * Resumes actors until one writes a frame; returns false when every actor
   * has finished or passed the end. Frame timestamps are strictly increasing:
   * a frame due at or before the previous one is moved 1 µs after it.
   */
  step(): boolean {
    const fb = this.fb;
    while (this.actors.length > 0) {
      const t = this.times[0];
      const actor = this.pop();
      if (t >= this.end) continue;
      if (t > this.now) this.now = t;
      fb.len = 0;
      const r = actor.next();
      if (!r.done) this.push(actor, r.value, this.tag);
      if (fb.len > 0) {
        this.ts = this.now > this.ts ? this.now : this.ts + 1;
        return true;
      }
    }
    return false;
  }

  private push(actor: Actor, time: number, tag: number): void {
    const times = this.times;
    const orders = this.orders;
    const actors = this.actors;
    const tags = this.tags;
    const order = this.pushes++;
    let i = actors.length;
    actors.push(actor);
    times.push(time);
    orders.push(order);
    tags.push(tag);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (times[p] < time || (times[p] === time && orders[p] < order)) break;
      actors[i] = actors[p];
      times[i] = times[p];
      orders[i] = orders[p];
      tags[i] = tags[p];
      i = p;
    }
    actors[i] = actor;
    times[i] = time;
    orders[i] = order;
    tags[i] = tag;
  }

  /** Removes the earliest actor and makes its tag the current one. */
  private pop(): Actor {
    const times = this.times;
    const orders = this.orders;
    const actors = this.actors;
    const tags = this.tags;
    const top = actors[0];
    this.tag = tags[0];
    const lastActor = actors.pop()!;
    const lastTime = times.pop()!;
    const lastOrder = orders.pop()!;
    const lastTag = tags.pop()!;
    const n = actors.length;
    if (n === 0) return top;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && (times[c + 1] < times[c] || (times[c + 1] === times[c] && orders[c + 1] < orders[c]))) c++;
      if (times[c] > lastTime || (times[c] === lastTime && orders[c] > lastOrder)) break;
      actors[i] = actors[c];
      times[i] = times[c];
      orders[i] = orders[c];
      tags[i] = tags[c];
      i = c;
    }
    actors[i] = lastActor;
    times[i] = lastTime;
    orders[i] = lastOrder;
    tags[i] = lastTag;
    return top;
  }
}

/** An actor that writes one frame at `t`: for answers that overlap the sender's next packets. */
export function* at(t: number, emit: () => void): Actor {
  yield t;
  emit();
}
