import type { TemplateVersionRecord } from '../../domain/templates.js';
import type { TemplateStore } from '../port.js';
import type { Queries } from './queries.js';
import { toTemplate } from './row-mappers.js';

/** Templates and their versions. */
export class TemplateQueries implements TemplateStore {
  constructor(private readonly q: Queries) {}

  async findTemplate(orgId: string, nameOrId: string): Promise<TemplateVersionRecord | null> {
    const row = await this.currentVersions(orgId)
      .where((eb) => eb.or([eb('templates.name', '=', nameOrId), eb('templates.id', '=', nameOrId)]))
      .executeTakeFirst();
    return row ? toTemplate(row) : null;
  }

  async getTemplateVersion(templateId: string, version: number): Promise<TemplateVersionRecord | null> {
    const row = await this.q.db
      .selectFrom('templates')
      .innerJoin('template_versions', 'template_versions.template_id', 'templates.id')
      .selectAll()
      .where('templates.id', '=', templateId)
      .where('template_versions.version', '=', version)
      .executeTakeFirst();
    return row ? toTemplate(row) : null;
  }

  async listTemplates(orgId: string): Promise<TemplateVersionRecord[]> {
    const rows = await this.currentVersions(orgId).orderBy('templates.name').execute();
    return rows.map(toTemplate);
  }

  /** The org's templates, each with its current version. */
  private currentVersions(orgId: string) {
    return this.q.db
      .selectFrom('templates')
      .innerJoin('template_versions', (j) =>
        j.onRef('template_versions.template_id', '=', 'templates.id').onRef('template_versions.version', '=', 'templates.current_version'),
      )
      .selectAll()
      .where('templates.org_id', '=', orgId);
  }

  async saveTemplateVersion(record: TemplateVersionRecord): Promise<void> {
    await this.q.db.transaction().execute(async (trx) => {
      if (record.version === 1) {
        await trx
          .insertInto('templates')
          .values({
            id: record.id,
            org_id: record.orgId,
            name: record.name,
            profile: record.profile,
            current_version: 1,
            created_at: record.createdAt,
            updated_at: record.createdAt,
          })
          .execute();
      } else {
        await trx
          .updateTable('templates')
          .set({ current_version: record.version, updated_at: record.createdAt, profile: record.profile })
          .where('id', '=', record.id)
          .execute();
      }
      await trx
        .insertInto('template_versions')
        .values({
          template_id: record.id,
          version: record.version,
          body: JSON.stringify(record.body),
          promotion_identifier: record.promotionIdentifier,
          created_at: record.createdAt,
        })
        .execute();
    });
  }
}
