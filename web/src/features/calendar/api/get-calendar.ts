import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { QueryConfig } from '../../../lib/react-query';
import type { CalendarView } from '../../../types/api';

/** 节假日安排: every year on file (shipped with the product or entered by an official) and the change log. */
export const getCalendar = ({ signal }: { signal?: AbortSignal } = {}): Promise<CalendarView> =>
  api.get<CalendarView>('/api/calendar', { signal });

export const getCalendarQueryOptions = () => queryOptions({ queryKey: ['calendar'], queryFn: ({ signal }) => getCalendar({ signal }) });

export const useCalendar = ({ queryConfig }: { queryConfig?: QueryConfig<typeof getCalendarQueryOptions> } = {}) =>
  useQuery({ ...getCalendarQueryOptions(), ...queryConfig });
