// (b) The units below ranked by completion, one bar each in its traffic light's colour, with the pace
// line (序时进度, the share expected today) across them; units with the same rate share their rank
// (并列). Below it, the ranking as a table.
import { useMemo } from 'react';
import { formatDateProse, formatPoints, formatRate, rankWithTies, rateKey } from '../../lib/format';
import { useI18n } from '../../lib/i18n';
import { completion, paceOf, type PaceSettings } from '../../lib/pace';
import type { PhaseView, UnitView } from '../../types/api';
import { rankLabel } from '../ui/rank';
import { TrafficLight } from '../ui/traffic-light';
import { Chart, CHART_COLOURS, type LegendItem } from './chart';
import type { ChartOption } from './echarts';

/** More bars than this do not fit a page: the chart keeps the lowest (those to chase), the table all. */
const MAX_BARS = 40;
const BAR_HEIGHT = 26;

export function RankingChart({
  units,
  level,
  phases,
  timeZone,
  pace: settings,
  now,
}: {
  units: UnitView[];
  /** The units' level in words (县(市、区)), for the title. */
  level: string;
  phases: PhaseView[];
  timeZone: string;
  pace?: PaceSettings;
  now: number;
}) {
  const { t, language } = useI18n();
  const pace = useMemo(() => paceOf(phases, timeZone, settings), [phases, timeZone, settings]);
  // Before its phase starts the pace is 0 everywhere: no line then, a sentence saying when it starts.
  const started = !!pace && now >= pace.phase.startAt;
  const expected = pace && started ? pace.shareAt(now) : null;
  const ranked = useMemo(() => rankWithTies(units, (u) => rateKey(completion(u.targets, u.progress))), [units]);
  const rated = useMemo(() => ranked.filter((r) => r.rank !== null), [ranked]);
  const bars = useMemo(() => rated.slice(Math.max(0, rated.length - MAX_BARS)), [rated]);

  const option = useMemo((): ChartOption => {
    const values = bars.map((r) => completion(r.item.targets, r.item.progress)! * 100);
    const top = Math.max(100, ...values, expected === null ? 0 : expected * 100);
    return {
      grid: { left: 8, right: 56, top: 24, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v) => (typeof v === 'number' ? formatRate(v / 100, language) : '') },
      xAxis: { type: 'value', min: 0, max: Math.ceil(top / 10) * 10, axisLabel: { formatter: '{value}%' } },
      yAxis: { type: 'category', inverse: true, data: bars.map((r) => r.item.name), axisTick: { show: false } },
      series: [
        {
          name: t('chart.col.completion'),
          type: 'bar',
          barMaxWidth: 18,
          data: bars.map((r, i) => ({ value: values[i], itemStyle: { color: CHART_COLOURS[r.item.light] } })),
          label: { show: true, position: 'right', formatter: (p) => formatRate(Number(p.value) / 100, language) },
          markLine:
            expected === null
              ? undefined
              : {
                  silent: true,
                  symbol: 'none',
                  lineStyle: { color: CHART_COLOURS.pace, type: 'dashed', width: 2 },
                  // Said in the legend: a label here collides with the axis on a narrow screen.
                  label: { show: false },
                  data: [{ xAxis: expected * 100 }],
                },
        },
      ],
    };
  }, [bars, expected, language, t]);

  if (units.length === 0) return null;
  const first = rated.filter((r) => r.rank === 1);
  const firstRate = first.length > 0 ? formatRate(completion(first[0].item.targets, first[0].item.progress)!, language) : '';
  const firstText = t(first.length > 1 ? 'chart.ranking.firstTied' : 'chart.ranking.first', { first: first.map((r) => r.item.name).join(t('common.enumSep')), firstRate });
  const behind = expected === null ? 0 : rated.filter((r) => completion(r.item.targets, r.item.progress)! < expected).length;
  const tiedCount = rated.filter((r) => r.tied).length;
  const legend: LegendItem[] = [
    { name: t('light.red'), colour: CHART_COLOURS.red, mark: 'bar' },
    { name: t('light.yellow'), colour: CHART_COLOURS.yellow, mark: 'bar' },
    { name: t('light.blue'), colour: CHART_COLOURS.blue, mark: 'bar' },
    { name: t('light.green'), colour: CHART_COLOURS.green, mark: 'bar' },
    ...(expected === null ? [] : [{ name: t('chart.series.paceAt', { share: formatRate(expected, language) }), colour: CHART_COLOURS.pace, mark: 'dashed' as const }]),
  ];

  return (
    <div className="chart-block">
      <h3>{t('chart.ranking.title', { level })}</h3>
      <Chart option={option} height={Math.max(120, bars.length * BAR_HEIGHT + 48)} legend={legend} testId="ranking-chart" series={1} points={[bars.length]}>
        {first.length > 0 && (
          <p data-testid="ranking-chart-summary">
            {expected === null
              ? t('chart.ranking.summaryNoPace', { first: firstText })
              : t('chart.ranking.summary', { first: firstText, pace: formatRate(expected, language), behind })}
            {tiedCount > 0 && ` ${t('chart.ranking.tied', { count: tiedCount })}`}
          </p>
        )}
        {pace && !started && (
          <p className="muted small">
            {t('chart.pace.notStarted', {
              start: formatDateProse(pace.phase.startAt, timeZone, language),
              phase: language === 'zh-CN' ? pace.phase.nameZh : (phases.find((p) => p.key === pace.phase.key)?.nameEn ?? pace.phase.nameZh),
            })}
          </p>
        )}
        {bars.length < rated.length && <p className="muted small">{t('chart.ranking.limited', { shown: bars.length, count: rated.length })}</p>}
        <details className="chart-table" open>
          <summary>{t('chart.table.show')}</summary>
          <div className="table-wrap">
            <table className="table table-compact" data-testid="ranking-table">
              <thead>
                <tr>
                  <th className="num">{t('chart.col.rank')}</th>
                  <th>{t('chart.col.unit')}</th>
                  <th>{t('chart.col.light')}</th>
                  <th className="num">{t('chart.col.completion')}</th>
                  {expected !== null && <th>{t('chart.col.vsPace')}</th>}
                </tr>
              </thead>
              <tbody>
                {ranked.map(({ item: u, rank, tied }) => {
                  const rate = completion(u.targets, u.progress);
                  const gap = rate === null || expected === null ? null : rate - expected;
                  return (
                    <tr key={u.code} data-testid="ranking-row" data-rank={rank ?? ''} data-tied={tied} data-unit={u.code}>
                      <td className="num nowrap">{rankLabel(t, rank, tied)}</td>
                      <td>{u.name}</td>
                      <td>
                        <TrafficLight light={u.light} lightSelf={u.lightSelf} compact />
                      </td>
                      <td className="num">{rate === null ? <span className="muted">{t('chart.ranking.noTarget')}</span> : formatRate(rate, language)}</td>
                      {expected !== null && (
                        <td className={gap !== null && gap < -0.0005 ? 'warn-text' : undefined}>
                          {gap === null
                            ? t('common.none')
                            : Math.abs(gap) < 0.0005
                              ? t('chart.onPace')
                              : gap > 0
                                ? t('chart.ahead', { points: formatPoints(gap) })
                                : t('chart.behind', { points: formatPoints(gap) })}
                        </td>
                      )}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </details>
      </Chart>
    </div>
  );
}
