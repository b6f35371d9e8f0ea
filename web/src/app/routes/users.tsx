import { Forbidden } from '../../components/ui/forbidden';
import { useCan } from '../../lib/auth';
import { UsersPage } from '../../features/users/components/users-page';

export function UsersRoute() {
  return useCan('user.manage') ? <UsersPage /> : <Forbidden />;
}
