// What a chart drew, read from its SVG in the page: ECharts' SVG renderer draws every line, point
// symbol and bar as a <path> with the series' colour as its stroke or fill, so counting paths by colour
// counts series and points (web/src/components/charts/chart.tsx names the colours).
import type { Page } from 'playwright-core';

/** The console's chart colours (CHART_COLOURS in web/src/components/charts/chart.tsx). */
export const COLOURS = {
  actual: '#1d5fbf',
  pace: '#b7791f',
  target: '#1b7f4b',
  enrolled: '#0f766e',
  lights: ['#d92d20', '#f5b300', '#2e7de1', '#22a061'],
} as const;

export interface DrawnPath {
  fill: string | null;
  stroke: string | null;
  dash: string | null;
}

/** Waits until the chart `testId` has drawn its SVG, then lists its paths. */
export async function chartPaths(page: Page, testId: string): Promise<DrawnPath[]> {
  await page.locator(`[data-testid="${testId}"][data-ready="true"] [data-testid="${testId}-canvas"] svg path`).first().waitFor({ state: 'attached' });
  return page.locator(`[data-testid="${testId}-canvas"] svg path`).evaluateAll((paths) =>
    paths.map((p) => ({ fill: p.getAttribute('fill'), stroke: p.getAttribute('stroke'), dash: p.getAttribute('stroke-dasharray') })),
  );
}

/** Lines drawn in `colour` (stroke, no fill). */
export const lines = (paths: DrawnPath[], colour: string) => paths.filter((p) => p.stroke === colour && p.fill === 'none');
/** Point symbols of a line series in `colour` (hollow circles: white fill, coloured stroke). */
export const symbols = (paths: DrawnPath[], colour: string) => paths.filter((p) => p.stroke === colour && p.fill === '#fff');
/** Bars filled with one of `colours`. */
export const bars = (paths: DrawnPath[], colours: readonly string[]) => paths.filter((p) => p.fill !== null && colours.includes(p.fill));

/** Whether the page scrolls sideways (its content wider than the window). */
export const scrollsSideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
