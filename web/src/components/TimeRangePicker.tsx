import { useState } from 'preact/hooks';
import { setParams } from '../lib/router.js';
import { fromInputValue, PRESETS, type TimeRange, toInputValue } from '../lib/time-range.js';

/** TimeRangePicker edits `range` or `from`/`to` in the URL; times are UTC like the rest of the page. */
export function TimeRangePicker({ range }: { range: TimeRange }) {
  const [custom, setCustom] = useState(range.key === 'custom');
  const [from, setFrom] = useState(toInputValue(range.fromMs));
  const [to, setTo] = useState(toInputValue(range.toMs));
  const pick = (key: string) => {
    setCustom(false);
    // Written even for the default, so the link says what it shows.
    setParams({ range: key, from: null, to: null });
  };
  return (
    <div class="range-picker">
      <fieldset class="segmented" aria-label="time range">
        {[...PRESETS.map((p) => p.key), 'all'].map((k) => (
          <button
            type="button"
            key={k}
            class={range.key === k && !custom ? 'on' : ''}
            aria-pressed={range.key === k && !custom}
            onClick={() => pick(k)}
          >
            {k}
          </button>
        ))}
        <button
          type="button"
          class={custom || range.key === 'custom' ? 'on' : ''}
          aria-pressed={custom || range.key === 'custom'}
          onClick={() => setCustom(!custom)}
        >
          custom
        </button>
      </fieldset>
      {custom ? (
        <form
          class="range-custom"
          onSubmit={(e) => {
            e.preventDefault();
            const f = fromInputValue(from);
            const t = fromInputValue(to);
            setParams({
              range: null,
              from: f === undefined ? null : new Date(f).toISOString(),
              to: t === undefined ? null : new Date(t).toISOString(),
            });
          }}
        >
          <label class="field">
            <span>from (UTC)</span>
            <input
              type="datetime-local"
              name="from"
              value={from}
              onInput={(e) => setFrom(e.currentTarget.value)}
            />
          </label>
          <label class="field">
            <span>to (UTC)</span>
            <input type="datetime-local" name="to" value={to} onInput={(e) => setTo(e.currentTarget.value)} />
          </label>
          <button type="submit" class="btn">
            Apply
          </button>
        </form>
      ) : null}
    </div>
  );
}
