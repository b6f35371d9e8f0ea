// The read-model writes the campaign and unit workflows make, as activities: each a call into
// services/campaigns.ts (idempotent writes), with what the service refuses made non-retryable.
import type { Db } from '../db/client';
import type { CampaignTransition, MaterialisedCampaign, PreparedCampaign, UnitSpec, UnitTransition } from '../contracts/campaign';
import * as campaigns from '../services/campaigns';
import { serviceCall } from './context';

export function createDbActivities(db: Db) {
  return {
    /** Writes the phase and unit rows of a launched campaign (once; a retry finds them there). */
    materialiseCampaign: (campaignId: string): Promise<MaterialisedCampaign> => serviceCall(() => campaigns.materialiseCampaign(db, campaignId)),
    /** The campaign's first step: its rows written, and its phases, children, reporting context and calendar. */
    prepareCampaign: (campaignId: string): Promise<PreparedCampaign> => serviceCall(() => campaigns.prepareCampaign(db, campaignId)),
    /** The workflow-level children of a unit (towns of a county), in plan order. */
    listChildUnits: (campaignId: string, parentCode: string): Promise<UnitSpec[]> => serviceCall(() => campaigns.listChildUnits(db, campaignId, parentCode)),
    recordCampaignTransition: (t: CampaignTransition): Promise<void> => serviceCall(() => campaigns.recordCampaignTransition(db, t)),
    recordUnitState: (t: UnitTransition): Promise<void> => serviceCall(() => campaigns.recordUnitState(db, t)),
  };
}

export type DbActivities = ReturnType<typeof createDbActivities>;
