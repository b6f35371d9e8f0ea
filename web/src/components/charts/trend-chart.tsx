// (c) The trend across report periods: enrolled and paid as reported for each period that has fallen
// due (the latest revision; a gap where nothing arrived), with the same figures in a table.
import { useMemo } from 'react';
import { formatCount, formatMoney, shortDate } from '../../lib/format';
import { useI18n } from '../../lib/i18n';
import { figuresByPeriod } from '../../lib/pace';
import type { PeriodView, ReportView } from '../../types/api';
import { Chart, CHART_COLOURS, type LegendItem } from './chart';
import type { ChartOption } from './echarts';

export function TrendChart({ periods, reports, now }: { periods: PeriodView[]; reports: ReportView[]; now: number }) {
  const { t, language } = useI18n();
  const rows = useMemo(() => figuresByPeriod(periods, reports, now), [periods, reports, now]);
  const reported = rows.filter((r) => r.report);

  const option = useMemo((): ChartOption => {
    const count = (v: number) => formatCount(v, language);
    const line = (name: string, colour: string, pick: (r: ReportView) => number) => ({
      name,
      type: 'line' as const,
      data: rows.map((r) => (r.report ? pick(r.report) : null)),
      color: colour,
      symbol: 'emptyCircle',
      symbolSize: 7,
      showSymbol: true,
      connectNulls: false,
      lineStyle: { width: 2 },
    });
    return {
      grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis', valueFormatter: (v) => (typeof v === 'number' ? count(v) : t('chart.notReported')) },
      xAxis: { type: 'category', data: rows.map((r) => shortDate(r.period.dueDate, language)), axisLabel: { hideOverlap: true } },
      yAxis: { type: 'value', min: 0, axisLabel: { formatter: (v: number) => count(v) } },
      series: [line(t('figures.enrolled'), CHART_COLOURS.enrolled, (r) => r.enrolled), line(t('figures.paid'), CHART_COLOURS.actual, (r) => r.paid)],
    };
  }, [rows, language, t]);

  if (rows.length === 0) {
    return (
      <div className="chart-block">
        <h3>{t('chart.trend.title')}</h3>
        <p className="muted" data-testid="trend-chart-empty">
          {t('chart.trend.empty')}
        </p>
      </div>
    );
  }
  const last = reported[reported.length - 1];
  const summary = last
    ? t('chart.trend.summary', {
        count: rows.length,
        reported: reported.length,
        period: shortDate(last.period.dueDate, language),
        enrolled: formatCount(last.report!.enrolled, language),
        paid: formatCount(last.report!.paid, language),
      })
    : t('chart.trend.summaryNone', { count: rows.length });
  const legend: LegendItem[] = [
    { name: t('figures.enrolled'), colour: CHART_COLOURS.enrolled, mark: 'line' },
    { name: t('figures.paid'), colour: CHART_COLOURS.actual, mark: 'line' },
  ];

  return (
    <div className="chart-block">
      <h3>{t('chart.trend.title')}</h3>
      <Chart option={option} height={260} legend={legend} testId="trend-chart" series={2} points={[reported.length, reported.length]}>
        <p data-testid="trend-chart-summary">{summary}</p>
        <details className="chart-table" open>
          <summary>{t('chart.table.show')}</summary>
          <div className="table-wrap">
            <table className="table table-compact" data-testid="trend-chart-table">
              <thead>
                <tr>
                  <th>{t('chart.col.period')}</th>
                  <th className="num">{t('figures.enrolled')}</th>
                  <th className="num">{t('figures.paid')}</th>
                  <th className="num">{t('figures.amount')}</th>
                  <th>{t('chart.col.reported')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map(({ period, report }) => (
                  <tr key={period.key} data-testid="trend-chart-row">
                    <td className="nowrap">{period.dueDate}</td>
                    <td className="num">{report ? formatCount(report.enrolled, language) : t('common.none')}</td>
                    <td className="num">{report ? formatCount(report.paid, language) : t('common.none')}</td>
                    <td className="num">{report ? formatMoney(report.amountYuan, language) : t('common.none')}</td>
                    <td>{t(`period.status.${period.status}`)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      </Chart>
    </div>
  );
}
