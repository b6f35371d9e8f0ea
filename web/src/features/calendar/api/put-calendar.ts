import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { MutationConfig } from '../../../lib/react-query';
import type { PutCalendarRequest, PutCalendarResult } from '../../../types/api';

export type PutCalendarInput = { year: number; data: PutCalendarRequest };

/**
 * Adds or corrects one year's notice. The server checks it (400 names each failing path), records a
 * new version with the reason, and tells every running campaign, whose future due dates then move.
 */
export const putCalendar = ({ year, data }: PutCalendarInput): Promise<PutCalendarResult> =>
  api.put<PutCalendarResult>(`/api/calendar/${encodeURIComponent(String(year))}`, data);

export const usePutCalendar = ({ mutationConfig }: { mutationConfig?: MutationConfig<typeof putCalendar> } = {}) => {
  const queryClient = useQueryClient();
  const { onSuccess, ...rest } = mutationConfig ?? {};
  return useMutation({
    ...rest,
    mutationFn: putCalendar,
    onSuccess: (result, input, ...more) => {
      void queryClient.invalidateQueries({ queryKey: ['calendar'] });
      // Running campaigns reschedule their future periods: schedules, lights and the deadlines board change.
      void queryClient.invalidateQueries({ queryKey: ['units'] });
      void queryClient.invalidateQueries({ queryKey: ['deadlines'] });
      return onSuccess?.(result, input, ...more);
    },
  });
};
