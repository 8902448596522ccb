/** A clock tests move by hand, so expiry is tested without sleeping. */
export class TestClock {
  constructor(public ms: number = Date.now()) {}
  now = (): Date => new Date(this.ms);
  advance(ms: number): void {
    this.ms += ms;
  }
}
