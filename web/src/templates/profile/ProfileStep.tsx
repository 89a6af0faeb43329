import type { Draft } from '../draft';
import { withProfile } from '../draft';
import { useApp } from '../../app/context';

/** What the profiles are for, in an operator's words; a profile not listed shows its label only. */
const PROFILE_WORDS: Record<string, string> = {
  TRACKERS: 'Add tracker values (spend, items…) to transactions customers already made.',
  CUSTOMER_PROMOTION: 'Give promotional points to customers or user groups.',
};

/** Step 1: the kind of data the file holds. */
export function ProfileStep({ draft, onChange, onNext }: { draft: Draft; onChange(d: Draft): void; onNext(): void }) {
  const { profiles } = useApp();
  return (
    <form
      className="card"
      onSubmit={(e) => {
        e.preventDefault();
        if (draft.profile) onNext();
      }}
    >
      <fieldset>
        <legend>What kind of data will the files hold?</legend>
        {profiles.map((p) => (
          <label key={p.key} className="check" style={{ border: '1px solid var(--line)', borderRadius: 8, padding: '0.9rem 1rem', background: draft.profile?.key === p.key ? 'var(--accent-soft)' : undefined }}>
            <input type="radio" name="profile" value={p.key} checked={draft.profile?.key === p.key} onChange={() => onChange(withProfile(draft, p))} />
            <span>
              <strong>{p.label}</strong>
              <br />
              <span className="muted">{PROFILE_WORDS[p.key] ?? `Fields: ${p.fields.map((f) => f.label).join(', ')}`}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <div className="actions">
        <button className="btn" type="submit" disabled={!draft.profile}>
          Next: settings
        </button>
        <a className="btn secondary" href="#/templates">
          Cancel
        </a>
      </div>
    </form>
  );
}
