// Live events in seq order. With several workers each publishes after its own commit, so
// event n+1 can arrive a moment after n+2. An event ahead of a missing one waits briefly for
// it; only a gap that stays open costs a `sync` (with 200 boards, 200 requests per gap).

export const GAP_HOLD_MS = 150;

/** Hands events to `apply` in seq order; calls `onGap` when a gap stays open. */
export class SeqOrder {
  /**
   * @param {object} options
   * @param {() => number} options.current  the seq the state has reached
   * @param {(event: object) => void} options.apply  applies the next event (seq current + 1)
   * @param {() => void} options.onGap  a gap stayed open for `holdMs`: catch up by sync
   */
  constructor({ current, apply, onGap, holdMs = GAP_HOLD_MS,
                setTimer = (fn, ms) => setTimeout(fn, ms), clearTimer = (id) => clearTimeout(id) }) {
    Object.assign(this, { current, apply, onGap, holdMs, setTimer, clearTimer });
    this.held = new Map(); // seq → event that arrived ahead of a missing one
    this.timer = null;
  }

  /** A live event: applied now if it is the next one, held if it is ahead, else dropped. */
  offer(event) {
    const seq = this.current();
    if (event.seq <= seq) return; // seen already (or covered by a sync)
    if (event.seq > seq + 1) {
      this.held.set(event.seq, event);
      if (this.timer === null) {
        this.timer = this.setTimer(() => {
          this.timer = null;
          this.held.clear(); // the sync's answer covers them: they were committed first
          this.onGap();
        }, this.holdMs);
      }
      return;
    }
    this.apply(event);
    this.release();
  }

  /** Apply held events that follow now (after an event or a sync); forget covered ones. */
  release() {
    for (;;) {
      const seq = this.current();
      for (const held of [...this.held.keys()]) if (held <= seq) this.held.delete(held);
      const next = this.held.get(seq + 1);
      if (!next) break;
      this.held.delete(next.seq);
      this.apply(next);
    }
    if (this.held.size === 0 && this.timer !== null) {
      this.clearTimer(this.timer);
      this.timer = null;
    }
  }
}
