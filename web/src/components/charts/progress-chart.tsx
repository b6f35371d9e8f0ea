// (a) A unit's progress over time: the figure it reported at each period against the pace curve
// (序时进度, the plan's rule, as the workflows judge it) and the target; the tax bureau's paid figure
// (税务到账, what verification will count) as its own series once there is one. Below it, the same in
// a sentence and a table.
import { useMemo } from 'react';
import { formatCount, formatDateProse, formatDeadlineProse, formatPoints, formatRate, localDate, shortDate } from '../../lib/format';
import { useI18n } from '../../lib/i18n';
import { figuresByPeriod, paceFigure, paceOf, type PaceSettings } from '../../lib/pace';
import type { PeriodView, PhaseView, Progress, ReportView, Targets } from '../../types/api';
import { Chart, CHART_COLOURS, type LegendItem } from './chart';
import type { ChartOption } from './echarts';

export interface VerifiedPoint {
  at: number;
  value: number;
}

const NO_POINTS: VerifiedPoint[] = [];

export function ProgressChart({
  phases,
  timeZone,
  pace: settings,
  targets,
  progress,
  periods,
  reports,
  verified = NO_POINTS,
  now,
}: {
  phases: PhaseView[];
  timeZone: string;
  /** The plan's escalation.pace; absent: linear over the payment phase, on paying. */
  pace?: PaceSettings;
  targets: Targets;
  /** The unit's figures now (its latest report, or its units' sum). */
  progress: Progress;
  periods: PeriodView[];
  reports: ReportView[];
  /** Figures from outside the unit's reports (the tax bureau's paid count); the series shows only with points. */
  verified?: VerifiedPoint[];
  now: number;
}) {
  const { t, language } = useI18n();
  const pace = useMemo(() => paceOf(phases, timeZone, settings), [phases, timeZone, settings]);
  // The plan's metric; a unit without a target for it is measured on the other, as the tables do.
  const planMetric = pace?.metric ?? 'paying';
  const targetOf = (m: 'paying' | 'enrolled') => (m === 'paying' ? targets.paying : targets.enrolled);
  const metric = targetOf(planMetric) === null && targetOf(planMetric === 'paying' ? 'enrolled' : 'paying') !== null ? (planMetric === 'paying' ? 'enrolled' : 'paying') : planMetric;
  const target = targetOf(metric);
  const metricName = t(`chart.metric.${metric}`);
  const rows = useMemo(() => figuresByPeriod(periods, reports, now), [periods, reports, now]);
  const actual = useMemo(
    // A figure stands at its period's due time, or earlier when it was sent earlier (figures as of then).
    () =>
      rows
        .filter((r) => r.report)
        .map((r): [number, number] => [Math.min(Date.parse(r.period.dueAt), Date.parse(r.report!.submittedAt)), paceFigure(metric, r.report!)]),
    [rows, metric],
  );
  // The tax bureau counts payments: beside a paid figure only.
  const shownVerified = useMemo(() => (metric === 'paying' ? verified : []), [metric, verified]);

  const option = useMemo((): ChartOption => {
    const xs = [...actual.map(([at]) => at), ...shownVerified.map((v) => v.at), now];
    if (pace) xs.push(pace.phase.startAt, pace.phase.deadlineAt);
    const min = Math.min(...xs);
    const max = Math.max(...xs);
    const count = (v: number) => formatCount(v, language);
    const series: ChartOption['series'] = [
      {
        name: t('chart.series.actual', { metric: metricName }),
        type: 'line',
        data: actual,
        color: CHART_COLOURS.actual,
        symbol: 'emptyCircle',
        symbolSize: 7,
        showSymbol: true,
        lineStyle: { width: 2 },
        z: 4,
      },
    ];
    if (pace && target !== null) {
      series.push({
        name: t('chart.series.pace'),
        type: 'line',
        data: pace.corners.map(([at, share]) => [at, Math.round(target * share)]),
        color: CHART_COLOURS.pace,
        showSymbol: false,
        lineStyle: { type: 'dashed', width: 2 },
        z: 3,
        markLine: {
          silent: true,
          symbol: 'none',
          lineStyle: { color: CHART_COLOURS.today, type: 'solid', width: 1 },
          label: { formatter: t('chart.today'), color: CHART_COLOURS.today },
          data: [{ xAxis: now }],
        },
      });
      series.push({
        name: t('chart.series.target'),
        type: 'line',
        data: [
          [min, target],
          [max, target],
        ],
        color: CHART_COLOURS.target,
        showSymbol: false,
        lineStyle: { type: 'dotted', width: 2 },
        z: 2,
      });
    }
    if (shownVerified.length > 0) {
      series.push({
        name: t('chart.series.verified'),
        type: 'line',
        data: shownVerified.map((v) => [v.at, v.value]),
        color: CHART_COLOURS.verified,
        symbol: 'diamond',
        symbolSize: 9,
        showSymbol: true,
        z: 5,
      });
    }
    return {
      grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis', valueFormatter: (v) => (typeof v === 'number' ? count(v) : String(v ?? '')) },
      xAxis: {
        type: 'time',
        min,
        max,
        axisLabel: { formatter: (v: number) => shortDate(localDate(v, timeZone), language), hideOverlap: true },
      },
      yAxis: { type: 'value', min: 0, axisLabel: { formatter: (v: number) => count(v) } },
      series,
    };
  }, [actual, shownVerified, pace, target, now, language, timeZone, metricName, t]);

  const seriesCount = 1 + (pace && target !== null ? 2 : 0) + (shownVerified.length > 0 ? 1 : 0);
  const points = [actual.length, ...(pace && target !== null ? [pace.corners.length, 2] : []), ...(shownVerified.length > 0 ? [shownVerified.length] : [])];
  const legend: LegendItem[] = [
    { name: t('chart.series.actual', { metric: metricName }), colour: CHART_COLOURS.actual, mark: 'line' },
    ...(pace && target !== null
      ? [
          { name: t('chart.series.pace'), colour: CHART_COLOURS.pace, mark: 'dashed' as const },
          { name: t('chart.series.target'), colour: CHART_COLOURS.target, mark: 'dotted' as const },
        ]
      : []),
    ...(shownVerified.length > 0 ? [{ name: t('chart.series.verified'), colour: CHART_COLOURS.verified, mark: 'line' as const }] : []),
  ];

  // The sentence: where the unit stands now against the pace.
  const nowShare = pace ? pace.shareAt(now) : null;
  const actualNow = paceFigure(metric, progress);
  const gapText = (rate: number, share: number) => {
    const gap = rate - share;
    if (Math.abs(gap) < 0.0005) return t('chart.onPace');
    return gap > 0 ? t('chart.ahead', { points: formatPoints(gap) }) : t('chart.behind', { points: formatPoints(gap) });
  };
  const date = formatDateProse(now, timeZone, language);
  const summary =
    target === null || nowShare === null
      ? t('chart.progress.summaryNoTarget', { date, metric: metricName, actual: formatCount(actualNow, language) })
      : t('chart.progress.summary', {
          date,
          metric: metricName,
          actual: formatCount(actualNow, language),
          target: formatCount(target, language),
          rate: formatRate(actualNow / target, language),
          expected: formatCount(Math.ceil(target * nowShare), language),
          share: formatRate(nowShare, language),
          gap: gapText(actualNow / target, nowShare),
        });
  const lastVerified = shownVerified[shownVerified.length - 1];

  return (
    <div className="chart-block">
      <h3>{t('chart.progress.title', { metric: metricName })}</h3>
      <Chart option={option} height={260} legend={legend} testId="progress-chart" series={seriesCount} points={points}>
        <p data-testid="progress-chart-summary">{summary}</p>
        {pace && (
          <p className="muted small">
            {t('chart.progress.paceWindow', {
              phase: language === 'zh-CN' ? pace.phase.nameZh : (phases.find((p) => p.key === pace.phase.key)?.nameEn ?? pace.phase.nameZh),
              start: formatDateProse(pace.phase.startAt, timeZone, language),
              end: formatDeadlineProse(pace.phase.deadlineAt, timeZone, language),
            })}
          </p>
        )}
        {lastVerified && (
          <p className="muted small">{t('chart.progress.verified', { count: formatCount(lastVerified.value, language), date: formatDateProse(lastVerified.at, timeZone, language) })}</p>
        )}
        {rows.length > 0 && (
          <details className="chart-table" open>
            <summary>{t('chart.table.show')}</summary>
            <div className="table-wrap">
              <table className="table table-compact" data-testid="progress-chart-table">
                <thead>
                  <tr>
                    <th>{t('chart.col.period')}</th>
                    <th className="num">{t('chart.col.actual', { metric: metricName })}</th>
                    {target !== null && pace && <th className="num">{t('chart.col.expected')}</th>}
                    {target !== null && <th className="num">{t('chart.col.completion')}</th>}
                    {target !== null && pace && <th>{t('chart.col.vsPace')}</th>}
                  </tr>
                </thead>
                <tbody>
                  {rows.map(({ period, report }) => {
                    const at = Date.parse(period.dueAt);
                    const share = pace ? pace.shareAt(at) : null;
                    const value = report ? paceFigure(metric, report) : null;
                    return (
                      <tr key={period.key} data-testid="progress-chart-row">
                        <td className="nowrap">{period.dueDate}</td>
                        <td className="num">{value === null ? <span className="muted">{t('chart.notReported')}</span> : formatCount(value, language)}</td>
                        {target !== null && share !== null && (
                          <td className="num">{t('chart.expected', { count: formatCount(Math.ceil(target * share), language), share: formatRate(share, language) })}</td>
                        )}
                        {target !== null && <td className="num">{value === null ? t('common.none') : formatRate(value / target, language)}</td>}
                        {target !== null && share !== null && <td>{value === null ? t('common.none') : gapText(value / target, share)}</td>}
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </details>
        )}
      </Chart>
    </div>
  );
}
