export interface SyncOptions {
  hide_before_drop: boolean;
  on_error: 'continue' | 'stop';
}

/** The options the plan, the script and a sync share, so that what is reviewed is what runs. */
export function SyncOptionsFields({ options, onChange }: { options: SyncOptions; onChange(options: SyncOptions): void }) {
  return (
    <fieldset className="options">
      <legend>Options</legend>
      <div className="field inline">
        <input
          id="hide-before-drop"
          type="checkbox"
          checked={options.hide_before_drop}
          onChange={(event) => onChange({ ...options, hide_before_drop: event.target.checked })}
        />
        <label htmlFor="hide-before-drop">Hide redundant indexes instead of dropping them</label>
      </div>
      <div className="field inline">
        <label htmlFor="on-error">After a failed step</label>
        <select
          id="on-error"
          value={options.on_error}
          onChange={(event) => onChange({ ...options, on_error: event.target.value as SyncOptions['on_error'] })}
        >
          <option value="continue">Continue with the other steps</option>
          <option value="stop">Stop</option>
        </select>
      </div>
    </fieldset>
  );
}
