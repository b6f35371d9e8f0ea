// 节假日安排: the years on file, the change log, and the editor to add or correct a year.
import { ErrorMessage } from '../../components/ui/error-message';
import { Loading } from '../../components/ui/loading';
import { useCalendar } from '../../features/calendar/api/get-calendar';
import { CalendarChangeLog } from '../../features/calendar/components/calendar-change-log';
import { CalendarEditor } from '../../features/calendar/components/calendar-editor';
import { CalendarYears } from '../../features/calendar/components/calendar-years';
import { useCan } from '../../lib/auth';
import { useI18n } from '../../lib/i18n';

export function CalendarRoute() {
  const { t } = useI18n();
  const calendar = useCalendar();
  const canEdit = useCan('calendar.edit');
  return (
    <>
      <h1>{t('calendar.heading')}</h1>
      <p className="muted">{t('calendar.intro')}</p>
      {calendar.isPending && <Loading />}
      {calendar.isError && <ErrorMessage error={calendar.error} testId="calendar-load-error" />}
      {calendar.data && (
        <>
          <CalendarYears years={calendar.data.years} />
          <CalendarChangeLog changes={calendar.data.changes} />
          {canEdit && <CalendarEditor years={calendar.data.years} />}
        </>
      )}
    </>
  );
}
