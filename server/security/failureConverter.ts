// Loaded by the worker (also inside the workflow sandbox) and the client through `failureConverterPath`:
// a failure's message and stack trace are moved into an encoded attribute, so the payload codec
// encrypts them like any other payload (an error can name whatever a workflow was handling).
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
