// (d) How many units show each traffic light (红黄蓝绿), one bar per colour, said again in a sentence.
import { useMemo } from 'react';
import { useI18n } from '../../lib/i18n';
import type { Light, UnitView } from '../../types/api';
import { Chart, CHART_COLOURS } from './chart';
import type { ChartOption } from './echarts';

const LIGHTS: readonly Light[] = ['red', 'yellow', 'blue', 'green'];

export function LightChart({ units }: { units: UnitView[] }) {
  const { t } = useI18n();
  const counts = useMemo(() => LIGHTS.map((l) => units.filter((u) => u.light === l).length), [units]);

  const option = useMemo(
    (): ChartOption => ({
      grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'category', data: LIGHTS.map((l) => `${t(`light.${l}.colour`)}\n${t(`light.${l}`)}`), axisTick: { show: false }, axisLabel: { interval: 0, width: 64, overflow: 'break', lineHeight: 14 } },
      yAxis: { type: 'value', minInterval: 1, min: 0 },
      series: [
        {
          name: t('chart.lights.title'),
          type: 'bar',
          barMaxWidth: 36,
          data: counts.map((value, i) => ({ value, itemStyle: { color: CHART_COLOURS[LIGHTS[i]] } })),
          label: { show: true, position: 'top' },
        },
      ],
    }),
    [counts, t],
  );

  if (units.length === 0) return null;
  const parts = LIGHTS.map((l, i) => t('chart.lights.part', { colour: t(`light.${l}.colour`), count: counts[i] })).join(t('common.enumSep'));
  return (
    <div className="chart-block">
      <h3>{t('chart.lights.title')}</h3>
      <Chart option={option} height={200} testId="light-chart" series={1} points={[LIGHTS.length]}>
        <p data-testid="light-chart-summary">{t('chart.lights.summary', { count: units.length, parts })}</p>
        <p className="muted small">{t('light.legend')}</p>
      </Chart>
    </div>
  );
}
