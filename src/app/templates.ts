import type { TemplateVersionRecord } from '../domain/templates.js';
import { saveTemplate } from '../templates/service.js';
import { type AppContext, requireOrg } from './context.js';
import { AppError } from './errors.js';

/** A template version as the API and `template list --json` show it. */
export interface TemplateInfo {
  id: string;
  name: string;
  profile: string;
  version: number;
  promotionIdentifier: string | null;
  savedAt: string;
}

/** A template version with its JSON form. */
export interface TemplateDocument extends TemplateInfo {
  body: unknown;
}

function info(r: TemplateVersionRecord): TemplateInfo {
  return { id: r.id, name: r.name, profile: r.profile, version: r.version, promotionIdentifier: r.promotionIdentifier, savedAt: r.createdAt };
}

/** The template's JSON form with the org of the request: `org` may be left out, or must match. */
export function withOrg(orgId: string, body: unknown): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  const named = (body as { org?: unknown }).org;
  if (named !== undefined && named !== orgId) {
    throw new AppError('INVALID_REQUEST', `The template's "org" is "${String(named)}" but the request is for org "${orgId}"; leave "org" out`, [{ field: 'org', message: `must be "${orgId}" or absent` }]);
  }
  return { ...body, org: orgId };
}

/** Saves a template of the org: a new template, a new version of a changed one, or the same version. */
export async function saveOrgTemplate(ctx: AppContext, orgId: string, body: unknown): Promise<{ id: string; name: string; version: number; promotionIdentifier?: string | null; changed: boolean }> {
  await requireOrg(ctx, orgId);
  return saveTemplate(withOrg(orgId, body), ctx.store);
}

/** The org's templates, each at its latest version. */
export async function listOrgTemplates(ctx: AppContext, orgId: string): Promise<TemplateInfo[]> {
  await requireOrg(ctx, orgId);
  return (await ctx.store.listTemplates(orgId)).map(info);
}

async function latest(ctx: AppContext, orgId: string, idOrName: string): Promise<TemplateVersionRecord> {
  await requireOrg(ctx, orgId);
  const found = await ctx.store.findTemplate(orgId, idOrName);
  if (!found) throw new AppError('NOT_FOUND', `Org "${orgId}" has no template named or with id "${idOrName}"; GET /api/orgs/${orgId}/templates lists them`);
  return found;
}

/** One template: its latest version, or `version`. */
export async function getOrgTemplate(ctx: AppContext, orgId: string, idOrName: string, version?: number): Promise<TemplateDocument> {
  const current = await latest(ctx, orgId, idOrName);
  const record = version === undefined ? current : await ctx.store.getTemplateVersion(current.id, version);
  if (!record) throw new AppError('NOT_FOUND', `Template "${current.name}" has no version ${version}; its latest is version ${current.version}`);
  return { ...info(record), body: record.body };
}

/** Every version of a template, the first first. */
export async function templateVersions(ctx: AppContext, orgId: string, idOrName: string): Promise<TemplateDocument[]> {
  const current = await latest(ctx, orgId, idOrName);
  const out: TemplateDocument[] = [];
  for (let v = 1; v <= current.version; v++) {
    const r = await ctx.store.getTemplateVersion(current.id, v);
    if (r) out.push({ ...info(r), body: r.body });
  }
  return out;
}
