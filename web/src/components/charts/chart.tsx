// One chart on a page: ECharts drawn as SVG into a box that follows its width, with a legend in HTML
// (readable, wraps on a phone, prints) and, from the caller, the table or sentence that says the same
// for screen readers and print. The chart itself is a picture of that table: hidden from screen readers.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useI18n } from '../../lib/i18n';
import type { ChartOption, ECharts } from './echarts';

export const CHART_FONT = "system-ui, -apple-system, 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', sans-serif";

/** The console's colours for chart series (index.css keeps the same for the lights). */
export const CHART_COLOURS = {
  actual: '#1d5fbf',
  pace: '#b7791f',
  target: '#1b7f4b',
  verified: '#7c3aed',
  enrolled: '#0f766e',
  today: '#d92d20',
  red: '#d92d20',
  yellow: '#f5b300',
  blue: '#2e7de1',
  green: '#22a061',
} as const;

export interface LegendItem {
  name: string;
  colour: string;
  /** How the series is drawn: a solid line with points, a dashed or dotted line, or a bar. */
  mark: 'line' | 'dashed' | 'dotted' | 'bar';
}

export function Chart({
  option,
  height,
  legend,
  testId,
  series,
  points,
  children,
}: {
  option: ChartOption;
  height: number;
  legend?: LegendItem[];
  testId: string;
  /** How many series the chart draws and how many points each has, for the tests and the curious. */
  series: number;
  points: readonly number[];
  /** The table or sentence saying what the chart shows. */
  children: ReactNode;
}) {
  const { language } = useI18n();
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  const [ready, setReady] = useState(false);

  // Created once per language (ECharts' own words follow it), disposed with the component.
  useEffect(() => {
    let disposed = false;
    let observer: ResizeObserver | undefined;
    void import('./echarts').then(({ createChart }) => {
      if (disposed || !box.current) return;
      chart.current = createChart(box.current, language);
      observer = new ResizeObserver(() => chart.current?.resize());
      observer.observe(box.current);
      setReady(true);
    });
    return () => {
      disposed = true;
      observer?.disconnect();
      chart.current?.dispose();
      chart.current = null;
      setReady(false);
    };
  }, [language]);

  useEffect(() => {
    if (ready) chart.current?.setOption({ textStyle: { fontFamily: CHART_FONT }, animation: false, ...option }, { notMerge: true });
  }, [ready, option]);

  return (
    <figure className="chart" data-testid={testId} data-series={series} data-points={points.join(',')} data-ready={ready}>
      <div ref={box} className="chart-canvas" style={{ height }} aria-hidden="true" data-testid={`${testId}-canvas`} />
      {legend && legend.length > 0 && (
        <ul className="chart-legend" aria-hidden="true">
          {legend.map((l) => (
            <li key={l.name}>
              <span className={`chart-swatch chart-swatch-${l.mark}`} style={{ borderColor: l.colour, background: l.mark === 'bar' ? l.colour : undefined }} />
              {l.name}
            </li>
          ))}
        </ul>
      )}
      <figcaption className="chart-text">{children}</figcaption>
    </figure>
  );
}
