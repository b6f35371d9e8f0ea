// What a service refuses, said once for both of its callers: a route answers it as an HTTP problem
// (server/errors.ts), an activity as a non-retryable ApplicationFailure of the same type
// (activities/context.ts), since asking again cannot change the answer.
export class ServiceError extends Error {
  constructor(
    /** Stable type, e.g. `CampaignNotFound`: the activity's failure type and the workflows' non-retryable list. */
    readonly type: string,
    message: string,
    /** The HTTP status a route answers with. */
    readonly status: 400 | 404 | 409 | 413 | 415 | 422 = 400,
    /**
     * Structured detail, carried as the failure's details; an `errors` list in it (a refused file's rows,
     * the fields to fix) is the problem's `errors` too.
     */
    readonly details?: unknown,
    /** The problem's title, when the status's usual one says too little (e.g. 无法筛查). */
    readonly title?: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

export const CAMPAIGN_NOT_FOUND = 'CampaignNotFound';
export const UNIT_NOT_FOUND = 'UnitNotFound';

export const campaignNotFound = (campaignId: string) => new ServiceError(CAMPAIGN_NOT_FOUND, `征缴活动 ${campaignId} 不存在`, 404);
export const unitNotFound = (unitCode: string) => new ServiceError(UNIT_NOT_FOUND, `单位 ${unitCode} 不存在`, 404);
