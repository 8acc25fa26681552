import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartLine {
  label: string;
  values: (number | null)[];
  color: string;
  /** Values that exist only where there were requests (latency): joined across empty buckets, each point marked. */
  sparse?: boolean;
}

interface ChartProps {
  title: string;
  testId: string;
  /** Bucket starts, unix seconds. */
  x: number[];
  lines: ChartLine[];
  /** Buckets that had requests, drawn as such: the wrapper's `data-points`. */
  points: number;
  format?: (value: number) => string;
}

const HEIGHT = 220;

/** One uPlot time chart; rebuilt when its data changes, resized with its box. */
export function Chart({ title, testId, x, lines, points, format }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (element === null) return;
    const options: uPlot.Options = {
      width: Math.max(element.clientWidth, 300),
      height: HEIGHT,
      series: [
        {},
        ...lines.map((line) => ({ label: line.label, stroke: line.color, width: 2, spanGaps: line.sparse === true, points: { show: line.sparse === true } })),
      ],
      axes: [{}, { size: 70, ...(format === undefined ? {} : { values: (_: uPlot, ticks: number[]) => ticks.map(format) }) }],
      scales: { x: { time: true } },
      legend: { show: true },
    };
    const plot = new uPlot(options, [x, ...lines.map((line) => line.values)] as uPlot.AlignedData, element);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(element.clientWidth, 300), height: HEIGHT }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [x, lines, format]);
  return (
    <section class="chart">
      <h3>{title}</h3>
      <div data-testid={testId} data-points={String(points)} ref={box} />
    </section>
  );
}
