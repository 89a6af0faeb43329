import { useEffect, useState } from 'react';
import { describeError } from '../api/client';
import { readTemplate } from '../api/normalise';
import type { TemplateDocument } from '../api/types';
import { useApp } from '../app/context';
import { hrefOf } from '../app/route';
import { Empty, formatDateTime, Loading, Notice, PageHeading } from '../components/ui';

/** Reads the template list, bare or under `templates`. */
export function readTemplates(doc: unknown): TemplateDocument[] {
  const list = Array.isArray(doc) ? doc : ((doc as { templates?: unknown[] } | null)?.templates ?? []);
  return list.map(readTemplate);
}

export function TemplateList() {
  const { api, profiles } = useApp();
  const [templates, setTemplates] = useState<TemplateDocument[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.get(api.orgPath('/templates')).then(
      (d) => setTemplates(readTemplates(d)),
      (e) => setError(describeError(e)),
    );
  }, [api]);
  const label = (key: string) => profiles.find((p) => p.key === key)?.label ?? key;
  return (
    <>
      <PageHeading title="Templates" intro="A template tells the importer what kind of data a file holds and which column is which.">
        <a className="btn" href={hrefOf({ page: 'template-new' })}>
          New template
        </a>
      </PageHeading>
      {error ? <Notice tone="danger" title="Templates could not be loaded">{<p>{error}</p>}</Notice> : null}
      {!templates && !error ? <Loading what="templates" /> : null}
      {templates && templates.length === 0 ? (
        <div className="card">
          <Empty title="No templates yet">
            <p>Make one from a sample of the files you import: it takes a minute.</p>
            <a className="btn" href={hrefOf({ page: 'template-new' })}>
              Make your first template
            </a>
          </Empty>
        </div>
      ) : null}
      {templates && templates.length > 0 ? (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Templates">
          <table>
            <caption className="sr-only">Your organisation's templates</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Kind of data</th>
                <th scope="col" className="num">
                  Version
                </th>
                <th scope="col" className="hide-narrow">
                  Saved
                </th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {templates.map((t) => (
                <tr key={t.id}>
                  <td>
                    <a href={hrefOf({ page: 'template-edit', id: t.id })}>{t.name}</a>
                    {t.promotionIdentifier ? <div className="small muted">Promotion <code>{t.promotionIdentifier}</code></div> : null}
                  </td>
                  <td>{label(t.profile)}</td>
                  <td className="num">{t.version}</td>
                  <td className="hide-narrow">{formatDateTime(t.updatedAt)}</td>
                  <td>
                    <a className="btn secondary" href={hrefOf({ page: 'import', templateId: t.id })} aria-label={`Import a file with ${t.name}`}>
                      Import a file
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}
