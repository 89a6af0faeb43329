export interface TrackedValueKey {
  loyaltyLogId: number;
  itemId: number | null;
  jobId: string;
}

export interface TrackerValueRow {
  trackerId: number;
  loyaltyLogId: number;
  itemId: number | null;
  value: string;
  userId: number | null;
  groupId: number | null;
  rowNumber: number;
}

export interface StoredTrackerValue extends TrackerValueRow {
  jobId: string;
}

