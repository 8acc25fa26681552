import { Presets, SingleBar } from 'cli-progress';

export interface Progress {
  tick(): void;
  stop(): void;
}

/**
 * A progress bar on stderr: cli-progress's on a terminal; elsewhere (CI logs,
 * files) one line per tenth done, since a redrawn bar would fill a log.
 */
export function progressBar(total: number, label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (stream.isTTY) {
    const bar = new SingleBar(
      { stream, format: `${label} [{bar}] {percentage}% {value}/{total} {eta_formatted} left`, hideCursor: true },
      Presets.shades_classic,
    );
    bar.start(total, 0);
    return { tick: () => bar.increment(), stop: () => bar.stop() };
  }
  let done = 0;
  let shown = -1;
  const show = () => {
    const tenths = Math.floor((done / Math.max(total, 1)) * 10);
    if (tenths === shown) return;
    shown = tenths;
    stream.write(`${label} [${'#'.repeat(tenths)}${'-'.repeat(10 - tenths)}] ${done}/${total}\n`);
  };
  show();
  return {
    tick() {
      done++;
      show();
    },
    stop() {},
  };
}
