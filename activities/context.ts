// Helpers every activity shares. The activity context when running as an activity; undefined when an activity function is called
// directly (tests, scripts), so that heartbeats and cancellation checks become no-ops there.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { ServiceError } from '../services/errors';

export function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

/**
 * Runs a service call as an activity: what the service refuses (a ServiceError: a campaign that is not
 * there, a refused file) fails the activity with a non-retryable ApplicationFailure of the same type,
 * since asking again cannot change the answer; anything else is retried by the workflow's policy.
 */
export async function serviceCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (e instanceof ServiceError) throw ApplicationFailure.create({ type: e.type, message: e.message, nonRetryable: true, details: e.details === undefined ? [] : [e.details] });
    throw e;
  }
}
