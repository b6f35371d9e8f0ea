// The activity context when running as an activity; undefined when an activity function is called
// directly (tests, scripts), so that heartbeats and cancellation checks become no-ops there.
import { Context } from '@temporalio/activity';

export function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}
