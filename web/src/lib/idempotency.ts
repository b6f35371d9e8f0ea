// One Idempotency-Key per user action. The key is made when the action's form is shown (the hook
// mounts with it), sent with every resend of the same request (a retry after a network failure, a
// second click), so that the server answers the repeat with the first result instead of doing it
// twice; and renewed once the action has succeeded, so that the next action is a new one. A request
// whose content changed since the key was last sent (the official corrected the form after a refusal)
// is a new action too: reusing the key would get the earlier answer back for a different request.
import { useMutation, type UseMutationOptions } from '@tanstack/react-query';
import { useRef } from 'react';
import { newIdempotencyKey } from '../../../client';
import type { ApiError } from './api-client';

export class ActionKey {
  private key: string;
  /** What the key was last sent with, or null while it is unused. */
  private sentWith: string | null = null;

  constructor(private readonly make: () => string = newIdempotencyKey) {
    this.key = make();
  }

  /** The key for sending `request`: the same while the same request is resent. */
  for(request: unknown): string {
    const content = JSON.stringify(request) ?? '';
    if (this.sentWith !== null && this.sentWith !== content) this.key = this.make();
    this.sentWith = content;
    return this.key;
  }

  /** The action succeeded: what follows is another action, with another key. */
  done(): void {
    this.key = this.make();
    this.sentWith = null;
  }
}

/** The ActionKey of the component's action, kept across renders. */
export function useActionKey(): ActionKey {
  const ref = useRef<ActionKey | null>(null);
  ref.current ??= new ActionKey();
  return ref.current;
}

/**
 * useMutation for a user action: `mutationFn` gets the action's Idempotency-Key with each input, the
 * same for a resend of the same request (`identify` says what counts as the same: by default the
 * whole input), renewed after success.
 */
export function useActionMutation<TData, TInput>(
  mutationFn: (input: TInput, idempotencyKey: string) => Promise<TData>,
  options: Omit<UseMutationOptions<TData, ApiError, TInput>, 'mutationFn'> = {},
  identify: (input: TInput) => unknown = (input) => input,
) {
  const key = useActionKey();
  const { onSuccess, ...rest } = options;
  return useMutation<TData, ApiError, TInput>({
    ...rest,
    mutationFn: (input) => mutationFn(input, key.for(identify(input))),
    onSuccess: (...args) => {
      key.done();
      return onSuccess?.(...args);
    },
  });
}
