/** A version of a saved template (mapping and configuration of one profile). */
export interface TemplateVersionRecord {
  id: string;
  orgId: string;
  name: string;
  profile: string;
  version: number;
  /** The template's JSON form, as saved. */
  body: unknown;
  promotionIdentifier: string | null;
  createdAt: string;
}
