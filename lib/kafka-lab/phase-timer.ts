// Wall seconds per phase of a lab run, for the report's `phaseSeconds`: one phase at a time, each ended by the next
// (or by stop), a repeated name adding up.

export class PhaseTimer {
  private current: { name: string; since: number } | undefined;
  private readonly totals = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Ends the running phase (if any) and starts `name`. */
  start(name: string): void {
    this.stop();
    this.current = { name, since: this.now() };
  }

  /** Ends the running phase. */
  stop(): void {
    if (!this.current) return;
    const ms = this.now() - this.current.since;
    this.totals.set(this.current.name, (this.totals.get(this.current.name) ?? 0) + ms);
    this.current = undefined;
  }

  /** Seconds per phase (one decimal) in the order the phases first ran; a running phase counts up to now. */
  seconds(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, ms] of this.totals) out[name] = ms;
    if (this.current) out[this.current.name] = (out[this.current.name] ?? 0) + (this.now() - this.current.since);
    for (const name of Object.keys(out)) out[name] = Math.round(out[name] / 100) / 10;
    return out;
  }
}
