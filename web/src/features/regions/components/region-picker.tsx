// 区划 by name: type part of a name (蓬江) and choose 蓬江区 440703 with the names above it; a code
// typed in full is taken as it is (the fallback when the region is in no campaign yet).
import { useId, useState } from 'react';
import { isRegionCode } from '../../../../../domain/access';
import { useI18n } from '../../../lib/i18n';
import { useFindRegions, type RegionView } from '../api/find-regions';

const labelOf = (r: RegionView) => `${r.name} ${r.code}`;

export function RegionPicker({
  value,
  onChange,
  testId,
  placeholder,
  acceptCode = isRegionCode,
  onChoose,
}: {
  value: string;
  onChange: (code: string) => void;
  testId: string;
  placeholder?: string;
  /** What a typed code must look like to be taken as it is (default: a 6, 9 or 12 digit region code). */
  acceptCode?: (code: string) => boolean;
  /** A region chosen from the list, with its name and level (a form that needs more than the code). */
  onChoose?: (region: RegionView) => void;
}) {
  const { t } = useI18n();
  const id = useId();
  const [text, setText] = useState(value);
  const [open, setOpen] = useState(false);
  const [chosen, setChosen] = useState<RegionView | null>(null);
  // The form emptied its field (after a save): the picker starts again.
  if (value === '' && chosen && text !== '') {
    setChosen(null);
    setText('');
  }
  const q = text.trim();
  const found = useFindRegions(open && !chosen ? q : '');
  const items = found.data?.items ?? [];

  const choose = (r: RegionView) => {
    setChosen(r);
    setText(labelOf(r));
    setOpen(false);
    onChange(r.code);
    onChoose?.(r);
  };
  const type = (next: string) => {
    setText(next);
    setChosen(null);
    setOpen(true);
    onChange(acceptCode(next.trim()) ? next.trim() : '');
  };

  return (
    <div className="region-picker">
      <input
        value={text}
        onChange={(e) => type(e.target.value)}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && open && items.length > 0 && !chosen) {
            e.preventDefault();
            choose(items[0]);
          } else if (e.key === 'Escape') setOpen(false);
        }}
        placeholder={placeholder ?? t('region.picker.placeholder')}
        role="combobox"
        aria-expanded={open && items.length > 0}
        aria-controls={`${id}-list`}
        autoComplete="off"
        data-testid={testId}
      />
      {open && !chosen && q !== '' && (
        <ul className="region-options" id={`${id}-list`} role="listbox" data-testid={`${testId}-options`}>
          {items.map((r) => (
            <li key={r.code} role="option" aria-selected={false} onMouseDown={(e) => e.preventDefault()} onClick={() => choose(r)} data-testid="region-option" data-code={r.code}>
              <strong>{r.name}</strong> <code>{r.code}</code>
              {r.path.length > 0 && <div className="muted small">{r.path.join(' › ')}</div>}
            </li>
          ))}
          {found.isSuccess && items.length === 0 && (
            <li className="muted small" data-testid="region-none">
              {acceptCode(q) ? t('region.picker.asCode', { code: q }) : t('region.picker.none')}
            </li>
          )}
        </ul>
      )}
      {chosen && (
        <span className="muted small" data-testid={`${testId}-chosen`}>
          {[...chosen.path, chosen.name].join(' › ')}（{chosen.code}）
        </span>
      )}
    </div>
  );
}
