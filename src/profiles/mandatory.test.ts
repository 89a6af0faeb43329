import { describe, expect, it } from 'vitest';
import { describeMandatory, isMandatory } from './mandatory.js';

describe('isMandatory', () => {
  const rule = { when: { billIdentification: ['STANDARD_FIELDS'] }, unless: { userGroup2Enabled: [true], trackerType: ['LINEITEM'] } } as const;

  it('holds when every key of `when` has one of its values and no key of `unless` has one', () => {
    expect(isMandatory(rule, { billIdentification: 'STANDARD_FIELDS', userGroup2Enabled: false, trackerType: 'BILL' })).toBe(true);
    expect(isMandatory(rule, { billIdentification: 'LOYALTY_LOG_ID', userGroup2Enabled: false, trackerType: 'BILL' })).toBe(false);
    // Either key of `unless` is enough.
    expect(isMandatory(rule, { billIdentification: 'STANDARD_FIELDS', userGroup2Enabled: true, trackerType: 'BILL' })).toBe(false);
    expect(isMandatory(rule, { billIdentification: 'STANDARD_FIELDS', userGroup2Enabled: false, trackerType: 'LINEITEM' })).toBe(false);
    expect(isMandatory('always', {})).toBe(true);
    expect(isMandatory({}, {})).toBe(true);
  });

  it('says the condition in words', () => {
    expect(describeMandatory(rule)).toBe("when `billIdentification` is `STANDARD_FIELDS`, unless `userGroup2Enabled` is `true` or the tracker's type is `LINEITEM`");
  });
});
