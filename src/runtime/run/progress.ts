/**
 * Training progress on the console: a redrawn bar on a terminal; on anything else (CI logs,
 * pipes) one plain line every `lineEvery` steps so logs stay readable.
 */
import type { MinerFields } from './metrics.ts';

export interface ProgressUpdate {
  step: number;
  epoch: number;
  loss: Record<string, number>;
  imagesPerSecond: number;
  miner?: MinerFields;
}

export interface ProgressOptions {
  totalSteps: number;
  epochs: number;
  /** Steps between lines when not on a terminal. */
  lineEvery: number;
  stream?: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  /** Steps already done when this process started (a resumed run), so the ETA uses only this run's pace. */
  startStep?: number;
  now?: () => number;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export function formatLosses(loss: Record<string, number>): string {
  return Object.entries(loss).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(' ');
}

export class Progress {
  private readonly stream: NonNullable<ProgressOptions['stream']>;
  private readonly now: () => number;
  private readonly started: number;
  private readonly startStep: number;
  private lastDraw = -Infinity;
  private barVisible = false;

  constructor(private readonly options: ProgressOptions) {
    this.stream = options.stream ?? process.stderr;
    this.now = options.now ?? (() => performance.now());
    this.started = this.now();
    this.startStep = options.startStep ?? 0;
  }

  private get tty(): boolean {
    return this.stream.isTTY === true;
  }

  /** Seconds left at this process's mean pace so far. */
  eta(step: number): number {
    const done = step - this.startStep;
    if (done <= 0) return NaN;
    return ((this.now() - this.started) / 1000 / done) * (this.options.totalSteps - step);
  }

  describe(update: ProgressUpdate): string {
    const { totalSteps, epochs } = this.options;
    const precision = update.miner?.miner_precision;
    const miner = precision === undefined ? '' : `| miner ${precision.toFixed(2)} (chance ${update.miner!.miner_chance!.toFixed(2)}) `;
    return `epoch ${update.epoch}/${epochs} step ${update.step}/${totalSteps} ${formatLosses(update.loss)} ${miner}` +
      `| ${update.imagesPerSecond.toFixed(0)} img/s | ETA ${formatDuration(this.eta(update.step))}`;
  }

  update(update: ProgressUpdate): void {
    if (!this.tty) {
      if (update.step % this.options.lineEvery === 0 || update.step === this.options.totalSteps) {
        this.stream.write(this.describe(update) + '\n');
      }
      return;
    }
    // Redrawing more often than ~10 times a second only costs time.
    const t = this.now();
    if (t - this.lastDraw < 100 && update.step !== this.options.totalSteps) return;
    this.lastDraw = t;
    const width = 20;
    const filled = Math.round((update.step / this.options.totalSteps) * width);
    const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] `;
    const line = (bar + this.describe(update)).slice(0, (this.stream.columns ?? 120) - 1);
    this.stream.write(`\r\x1b[K${line}`);
    this.barVisible = true;
  }

  /** A message on its own line (the bar, if any, is redrawn by the next update). */
  message(text: string): void {
    this.clear();
    this.stream.write(text + '\n');
  }

  finish(): void {
    if (this.barVisible) this.stream.write('\n');
    this.barVisible = false;
  }

  private clear(): void {
    if (this.barVisible) this.stream.write('\r\x1b[K');
    this.barVisible = false;
  }
}
