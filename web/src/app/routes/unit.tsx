// 单位详情: breadcrumbs from the owning region, the unit's light and figures, its children, and its
// reporting duty: the schedule, the report form, every report revision, its escalations (itself and
// the units below) with what to do about them, and the messages sent to it.
import { lazy, Suspense, useMemo } from 'react';
import { Link, useParams } from 'react-router';
import { DEFAULT_TIME_ZONE } from '../../../../domain/time';
import { ProgressChart, type VerifiedPoint } from '../../components/charts/progress-chart';
import { TrendChart } from '../../components/charts/trend-chart';
import { Figures } from '../../components/figures';
import { ErrorMessage } from '../../components/ui/error-message';
import { Loading } from '../../components/ui/loading';
import { paths } from '../../config/paths';
import { isLive, useCampaign } from '../../features/campaigns/api/get-campaign';
import { EscalationList } from '../../features/escalations/components/escalation-list';
import { InboxList } from '../../features/inbox/components/inbox-list';
import { useUnitReporting } from '../../features/reporting/api/get-unit-reporting';
import { ReportForm } from '../../features/reporting/components/report-form';
import { ReportList } from '../../features/reporting/components/report-list';
import { ReportSchedule } from '../../features/reporting/components/report-schedule';
import { useUnit } from '../../features/units/api/get-unit';
import { UnitBreadcrumbs } from '../../features/units/components/unit-breadcrumbs';
import { UnitHeader } from '../../features/units/components/unit-header';
import { usePaymentsI18n } from '../../features/payments/i18n';
import { useNoticesI18n } from '../../features/notices/i18n';
import { UnitMobilisationCard } from '../../features/payments/components/unit-mobilisation-card';
import { UnitDiscrepanciesCard } from '../../features/discrepancies/components/unit-discrepancies-card';
import { UnitReportingStatus } from '../../features/units/components/unit-reporting-status';
import { UnitsTable } from '../../features/units/components/units-table';
import { useCan } from '../../lib/auth';
import { useI18n } from '../../lib/i18n';
import { LIVE_REFETCH_MS } from '../../lib/react-query';
import { useNow } from '../../lib/use-now';

// The screening's words and components load with the card, not with every page of the console.
const UnitHardshipCard = lazy(() => import('../../features/hardship/components/unit-hardship-card').then((m) => ({ default: m.UnitHardshipCard })));

export function UnitRoute() {
  const { t } = useI18n();
  const { t: tp } = usePaymentsI18n();
  const { t: tn } = useNoticesI18n();
  const { campaignId = '', unitCode = '' } = useParams();
  const unit = useUnit({ campaignId, unitCode });
  // Usually already cached from the campaign page; gives the plan's time zone and whether it still runs.
  const campaign = useCampaign({ campaignId });
  const timeZone = campaign.data?.timeZone ?? DEFAULT_TIME_ZONE;
  const live = isLive(campaign.data?.status);
  // Villages are rows, not workflows: they have no schedule of their own.
  const reports = unit.data?.unit.workflowId !== null;
  const canReport = useCan('report.submit');
  const reporting = useUnitReporting({
    campaignId,
    unitCode,
    queryConfig: { enabled: unit.isSuccess && reports, refetchInterval: live ? LIVE_REFETCH_MS : false },
  });

  const now = useNow(60_000);
  const tax = unit.data?.unit.tax;
  // The tax bureau's paid figure: what verification will count (扣费成功), beside what the unit reported.
  const verified = useMemo((): VerifiedPoint[] => (tax ? [{ at: Date.parse(tax.asOf), value: tax.paid }] : []), [tax]);

  if (unit.isPending) return <Loading />;
  if (unit.isError) return <ErrorMessage error={unit.error} testId="unit-error" />;
  const d = unit.data;
  const childLevel = d.children[0]?.level;

  return (
    <div className="unit">
      <UnitBreadcrumbs detail={d} />
      <UnitHeader unit={d.unit} timeZone={timeZone} />
      <p style={{ display: 'flex', flexWrap: 'wrap', gap: '0.5rem 1.5rem' }}>
        {d.unit.level === 'village' && (
          <Link to={paths.register.getHref(d.campaignId, d.unit.code)} data-testid="unit-register-link">
            {tp('link.register')}
          </Link>
        )}
        <Link to={paths.notices.getHref(d.campaignId, d.unit.code)} data-testid="unit-notices-link">
          {tn('link')}
        </Link>
      </p>
      <section className="card">
        <UnitReportingStatus unit={d.unit} timeZone={timeZone} />
        <Figures targets={d.unit.targets} progress={d.unit.progress} testId="unit-figures" />
      </section>
      <UnitDiscrepanciesCard campaignId={d.campaignId} unitCode={d.unit.code} timeZone={timeZone} />
      <UnitMobilisationCard campaignId={d.campaignId} unitCode={d.unit.code} />
      {reports && reporting.data && campaign.data && (
        <section className="card" data-testid="unit-charts">
          <h2>{t('chart.heading.unit')}</h2>
          <div className="charts-grid charts-grid-even">
            <ProgressChart
              phases={campaign.data.phases}
              timeZone={timeZone}
              targets={d.unit.targets}
              progress={d.unit.progress}
              periods={reporting.data.periods}
              reports={reporting.data.reports}
              verified={verified}
              now={now}
            />
            <TrendChart periods={reporting.data.periods} reports={reporting.data.reports} now={now} />
          </div>
        </section>
      )}
      <section className="card">
        <h2>{childLevel ? t('unit.children', { level: t(`level.${childLevel}`) }) : t('units.heading')}</h2>
        <UnitsTable campaignId={d.campaignId} units={d.children} timeZone={timeZone} testId="children-table" />
      </section>

      <Suspense fallback={null}>
        <UnitHardshipCard campaignId={d.campaignId} unitCode={d.unit.code} />
      </Suspense>

      {reports && (
        <>
          <section className="card" data-testid="unit-reporting">
            <h2>{t('unitPage.report')}</h2>
            {reporting.isPending && <Loading />}
            {reporting.isError && <ErrorMessage error={reporting.error} testId="unit-reporting-error" />}
            {reporting.data && canReport && (
              <ReportForm campaignId={d.campaignId} unitCode={d.unit.code} periods={reporting.data.periods} timeZone={timeZone} closed={!live} />
            )}
          </section>
          {reporting.data && (
            <>
              <section className="card">
                <h2>{t('unitPage.schedule')}</h2>
                <ReportSchedule periods={reporting.data.periods} timeZone={timeZone} />
              </section>
              <section className="card">
                <h2>{t('unitPage.reports')}</h2>
                <ReportList reports={reporting.data.reports} timeZone={timeZone} />
              </section>
            </>
          )}
        </>
      )}

      <section className="card" data-testid="unit-escalations">
        <div className="card-title-row">
          <h2>{t('unitPage.escalations')}</h2>
          <Link to={paths.escalations.getHref(d.campaignId, { region: d.unit.code })} data-testid="unit-escalations-board">
            {t('unitPage.escalations.board')}
          </Link>
        </div>
        <EscalationList
          campaignId={d.campaignId}
          filters={{ region: d.unit.code, limit: 50 }}
          timeZone={timeZone}
          live={live}
          testId="unit-escalation-table"
          emptyText={t('unitPage.escalations.empty')}
        />
      </section>

      <section className="card" data-testid="unit-inbox">
        <div className="card-title-row">
          <h2>{t('unitPage.inbox')}</h2>
          <Link to={paths.inbox.getHref(d.unit.code)}>{t('unitPage.inbox.all')}</Link>
        </div>
        <InboxList recipient={d.unit.code} campaignId={d.campaignId} limit={20} timeZone={timeZone} showCampaign={false} testId="unit-inbox-list" />
      </section>
    </div>
  );
}
