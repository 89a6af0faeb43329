import { type Preview, previewFile } from '../jobs/preview.js';
import { type TemplateBody, templateIssue, templateSchema } from '../templates/schema.js';
import { checkTemplate } from '../templates/service.js';
import { type AppContext, requireOrg } from './context.js';
import { AppError } from './errors.js';
import { withOrg } from './templates.js';

export const DEFAULT_PREVIEW_ROWS = 20;

/**
 * Previews an uploaded file under a template: a saved one (its id or name, latest version), or an
 * unsaved template body, so that a form can show the outcome before saving. Writes nothing.
 */
export async function previewUpload(ctx: AppContext, orgId: string, request: { fileId: string; template: string | Record<string, unknown>; rows?: number }): Promise<Preview> {
  const org = await requireOrg(ctx, orgId);
  const file = await ctx.store.getFile(orgId, request.fileId);
  if (!file) throw new AppError('NOT_FOUND', `Org "${orgId}" has no uploaded file "${request.fileId}"; upload it with POST /api/orgs/${orgId}/files`);
  let body: TemplateBody;
  let promotionIdentifier: string | null;
  if (typeof request.template === 'string') {
    const saved = await ctx.store.findTemplate(orgId, request.template);
    if (!saved) throw new AppError('NOT_FOUND', `Org "${orgId}" has no template named or with id "${request.template}"; GET /api/orgs/${orgId}/templates lists them`);
    const parsed = templateSchema.safeParse(saved.body);
    if (!parsed.success) throw templateIssue(parsed.error);
    body = parsed.data;
    promotionIdentifier = saved.promotionIdentifier;
  } else {
    const checked = await checkTemplate(withOrg(orgId, request.template), ctx.store);
    body = checked.body;
    promotionIdentifier = checked.profile.userPromotionIdentifier(checked.config);
  }
  // The preview reads the first rows only: the rest of the file is left unread.
  return previewFile(ctx.store, { org, body, promotionIdentifier, source: ctx.store.fileBytes.read(file), rows: request.rows ?? DEFAULT_PREVIEW_ROWS });
}
