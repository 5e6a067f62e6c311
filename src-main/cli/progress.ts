// A progress bar with ETA on stderr (cli-progress draws on a TTY and prints lines otherwise).
import cliProgress from 'cli-progress';

export class ProgressLine {
  private bar: cliProgress.SingleBar;
  private started = false;

  constructor(label: string) {
    this.bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {value}/{total} {percentage}% | ETA {eta_formatted} | {item}`,
        stream: process.stderr,
        noTTYOutput: true,
        notTTYSchedule: 5000,
        etaBuffer: 20,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
  }

  update(done: number, total: number, item = ''): void {
    if (!this.started) {
      this.bar.start(total, done, { item });
      this.started = true;
    } else {
      this.bar.setTotal(total);
      this.bar.update(done, { item });
    }
  }

  stop(): void {
    if (this.started) this.bar.stop();
  }
}
