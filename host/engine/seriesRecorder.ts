/**
 * Time series for reports (equity curve, drawdown, position, fills over
 * price): sampled every `every` market events so a chart stays a few
 * thousand points whatever the recording length. Allocates (it builds the
 * report), so it is only attached when a report asks for it.
 */
export interface SeriesPoint {
  eventIndex: number;
  /** Event time in ns relative to the run's origin. */
  timeNs: number;
  position: number;
  /** Mark-to-market PnL in units of 10^-pnlDecimals. */
  pnl: number;
}

export interface SeriesFill {
  eventIndex: number;
  timeNs: number;
  instrument: number;
  side: number;
  priceTicks: number;
  qtyLots: number;
}

export interface StrategySeries {
  every: number;
  points: SeriesPoint[];
  fills: SeriesFill[];
  /** Fills beyond maxFills are counted, not kept. */
  fillsDropped: number;
}

export class SeriesRecorder {
  readonly series: StrategySeries;
  private countdown: number;

  constructor(readonly every: number, private readonly maxFills = 20_000) {
    if (!Number.isInteger(every) || every < 1) throw new RangeError(`SeriesRecorder: every=${every} must be an integer >= 1`);
    this.series = { every, points: [], fills: [], fillsDropped: 0 };
    this.countdown = 1;
  }

  /** Called once per market event; samples every `every`-th. */
  tick(): boolean {
    if (--this.countdown > 0) return false;
    this.countdown = this.every;
    return true;
  }

  point(p: SeriesPoint): void {
    this.series.points.push(p);
  }

  fill(f: SeriesFill): void {
    if (this.series.fills.length < this.maxFills) this.series.fills.push(f);
    else this.series.fillsDropped++;
  }
}
