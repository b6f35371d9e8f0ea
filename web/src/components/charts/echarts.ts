// Apache ECharts, only what the console draws: line and bar charts with axes, tooltips and mark lines,
// through the SVG renderer (crisp when printed, and countable in the page's DOM by the browser tests).
// Chosen for its Chinese-first defaults (a built-in zh locale, CJK text measured right), a tree-shakable
// core and steady upkeep by the Apache foundation. Loaded on first use, so pages without charts do
// not carry it.
import { BarChart, LineChart, type BarSeriesOption, type LineSeriesOption } from 'echarts/charts';
import {
  GridComponent,
  MarkLineComponent,
  TooltipComponent,
  type GridComponentOption,
  type MarkLineComponentOption,
  type TooltipComponentOption,
} from 'echarts/components';
import { init, use, type ComposeOption, type ECharts } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

use([LineChart, BarChart, GridComponent, TooltipComponent, MarkLineComponent, SVGRenderer]);

export type ChartOption = ComposeOption<LineSeriesOption | BarSeriesOption | GridComponentOption | TooltipComponentOption | MarkLineComponentOption>;
export type { ECharts };

/** A chart in `dom`, drawn as SVG, with ECharts' words (tooltips, empty data) in the console's language. */
export function createChart(dom: HTMLElement, language: 'zh-CN' | 'en'): ECharts {
  return init(dom, undefined, { renderer: 'svg', locale: language === 'zh-CN' ? 'ZH' : 'EN' });
}
