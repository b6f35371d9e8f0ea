// 困难群体: the campaign's hardship-group screening (lists, runs, results, exports).
import { HardshipPage } from '../../features/hardship/components/hardship-page';
import { useCampaignOutlet } from './campaign-layout';

export function HardshipRoute() {
  const c = useCampaignOutlet();
  return (
    <HardshipPage
      campaignId={c.id}
      region={{ code: c.regionCode, name: c.regionName }}
      units={c.units.map((u) => ({ code: u.code, name: u.name, level: u.level }))}
      timeZone={c.timeZone}
    />
  );
}
