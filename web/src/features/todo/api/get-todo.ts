import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TodoView } from '../../../../../contracts/api/todo';
import { api } from '../../../lib/api-client';

/** 待办: refreshed every half minute (a new period opens, an escalation climbs a rung). */
export const getTodoQueryOptions = () =>
  queryOptions({
    queryKey: ['todo'],
    queryFn: ({ signal }) => api.get<TodoView>('/api/todo', { signal }),
    refetchInterval: 30_000,
  });

export const useTodo = () => useQuery(getTodoQueryOptions());

/** Marks items read (or unread); the list is asked again after. */
export function useMarkTodo() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (data: { keys: string[]; read: boolean }) => api.post<void>('/api/todo/read', data),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['todo'] }),
  });
}
