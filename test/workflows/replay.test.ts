// The replay gate: every stored history replays against today's workflow code, so a
// non-deterministic change fails here before it reaches a running campaign.
import { readdirSync, readFileSync } from 'node:fs';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { workflowBundle } from '../support/temporal';

const DIR = 'test/histories';
const files = readdirSync(DIR).filter((f) => f.endsWith('.binpb'));

describe('replay gate', () => {
  it('has histories to replay, of every workflow type', () => {
    const types = new Set(
      files.map((f) => temporal.api.history.v1.History.decode(readFileSync(`${DIR}/${f}`)).events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name),
    );
    expect(files.length).toBeGreaterThan(0);
    expect([...types].sort()).toEqual(['campaignWorkflow', 'discrepancyWorkflow', 'listImportWorkflow', 'outboxDispatcherWorkflow', 'screeningWorkflow', 'taxFeedInboxWorkflow', 'unitWorkflow']);
  });

  it.each(files)('replays %s', async (file) => {
    const history = temporal.api.history.v1.History.decode(readFileSync(`${DIR}/${file}`));
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, file);
  });
});
