export const TRACKER_TYPES = ['BILL', 'LINEITEM', 'POINTS', 'VISITS'] as const;
export type TrackerType = (typeof TRACKER_TYPES)[number];

/** A tracker of an org: values recorded per transaction (or line item) inside its window. */
export interface Tracker {
  id: number;
  name: string;
  type: TrackerType;
  windowStart: string;
  windowEnd: string;
}
