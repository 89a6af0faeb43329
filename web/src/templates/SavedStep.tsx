import type { SavedTemplate } from '../api/types';
import { hrefOf } from '../app/route';
import type { Draft } from './draft';

/** The end of the editor: the version saved, and the promotion identifier when there is one. */
export function SavedStep({ saved, draft }: { saved: SavedTemplate; draft: Draft }) {
  return (
    <div className="card">
      <div className="notice success" role="status">
        <h2>Template saved</h2>
        <p>
          “{saved.name}” is saved as <strong>version {saved.version}</strong>.
        </p>
        {saved.promotionIdentifier ? (
          <p>
            Points imported with it are awarded under the promotion identifier <code data-testid="promotion-identifier">{saved.promotionIdentifier}</code>
            {draft.config.promotionIdentifier ? '.' : '. Saving a change to the template gives it a new identifier; saving it unchanged keeps this one.'}
          </p>
        ) : null}
      </div>
      <div className="actions">
        <a className="btn" href={hrefOf({ page: 'import', templateId: saved.id })}>
          Import a file with this template
        </a>
        <a className="btn secondary" href={hrefOf({ page: 'templates' })}>
          Back to templates
        </a>
      </div>
    </div>
  );
}
