/** Bytes per second over the last few seconds, so the figure (and an ETA) follows speed changes. */
export class RateMeter {
  private samples: { at: number; bytes: number }[] = [];
  private total = 0;

  constructor(private readonly windowMs = 3000) {
    this.samples.push({ at: Date.now(), bytes: 0 });
  }

  add(bytes: number): void {
    this.total += bytes;
    const now = Date.now();
    this.samples.push({ at: now, bytes: this.total });
    while (this.samples.length > 2 && now - this.samples[1].at > this.windowMs) this.samples.shift();
  }

  bytesPerSecond(): number {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    const ms = last.at - first.at;
    return ms > 0 ? ((last.bytes - first.bytes) * 1000) / ms : 0;
  }
}
