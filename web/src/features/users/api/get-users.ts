import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { UserView } from '../../../types/api';

export const usersQueryKey = ['users'] as const;

/** The accounts in the admin's region, as the server lists them. */
export const getUsers = (): Promise<{ users: UserView[] }> => api.get<{ users: UserView[] }>('/api/users');

export const getUsersQueryOptions = () => queryOptions({ queryKey: usersQueryKey, queryFn: getUsers });

export const useUsers = () => useQuery(getUsersQueryOptions());
