/** A key a row names a customer or a user group by: a mobile, an email, an id… */
export type Key = string | number;

/** A customer found by one of the keys looked up, with the user group it belongs to. */
export interface CustomerMatch {
  key: Key;
  userId: number;
  groupId: number | null;
}

export const GROUP_KEY_KINDS = [
  'GROUP_ID',
  'EXTERNAL_ID',
  'PRIMARY_USER_ID',
  'PRIMARY_USER_MOBILE',
  'PRIMARY_USER_EMAIL',
  'PRIMARY_USER_EXTERNAL_ID',
  'PRIMARY_USER_CARD_NO',
] as const;
/** What a user group is named by: its own ids, or a key of its primary user. */
export type GroupKeyKind = (typeof GROUP_KEY_KINDS)[number];

/** A user group found by one of the keys looked up. */
export interface GroupMatch {
  key: Key;
  groupId: number;
}
