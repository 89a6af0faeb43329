import { describe, expect, it } from 'vitest';
import { patternRegex, unreadableDate } from './date-check';

describe('unreadableDate', () => {
  it('reads ISO 8601 dates and date-times when the template has no format', () => {
    expect(unreadableDate(['2025-03-01', '2025-03-01 10:15', '2025-03-01T10:15:30+05:30', '2025-03-01T04:45:00Z'], null)).toBeNull();
    expect(unreadableDate(['2025-03-01', '02/02/2025 10:01'], null)).toBe('02/02/2025 10:01');
  });

  it('reads the dates with the template format', () => {
    expect(unreadableDate(['02/02/2025 10:01', '13/12/2025 09:00'], 'dd/MM/yyyy HH:mm')).toBeNull();
    expect(unreadableDate(['2025-02-02 10:01'], 'dd/MM/yyyy HH:mm')).toBe('2025-02-02 10:01');
    expect(unreadableDate(['', ' '], 'dd/MM/yyyy')).toBeNull();
  });

  it('does not judge a pattern it does not know', () => {
    expect(patternRegex("dd 'de' MMMM yyyy")?.test('02 de March 2025')).toBe(true);
    expect(unreadableDate(['anything'], 'QQQ yyyy')).toBeNull();
  });
});
