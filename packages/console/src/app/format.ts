const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

export const formatInteger = (value: number) => integer.format(value);
export const formatNumber = (value: number | null | undefined) => (value === null || value === undefined ? '–' : decimal.format(value));
export const formatMs = (value: number | null | undefined) => (value === null || value === undefined ? '–' : `${integer.format(value)} ms`);
export const formatPercent = (share: number | null | undefined) => (share === null || share === undefined ? '–' : `${decimal.format(share * 100)}%`);

export function formatUsd(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  // A request of a few tokens costs millionths of a dollar: three significant digits keep it from reading $0.0000.
  if (value > 0 && value < 0.01) return `$${value.toFixed(Math.min(20, 2 - Math.floor(Math.log10(value))))}`;
  return `$${value < 1 && value > 0 ? value.toFixed(4) : value.toFixed(2)}`;
}

/** Unix seconds, milliseconds or ISO text, as local date and time. */
export function formatTime(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  const date = typeof value === 'number' ? new Date(value < 1e12 ? value * 1000 : value) : new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleString();
}

/** A chart axis's dollars: as few digits as tell the ticks apart ($0.0005, $0.001), never rounded to the same label. */
export const formatUsdTick = (value: number) => (value === 0 ? '$0' : `$${Number(value.toPrecision(3))}`);
