

/**
 * The store's own tables, as Kysely sees them; the tables of profiles are declared by each
 * profile (see tables.ts). Decimals are TEXT (exact strings); flags are integers 0/1 so
 * that one schema serves SQLite and PostgreSQL; times are ISO 8601 strings with an offset.
 */
export interface Database {
  orgs: { id: string; name: string; base_country: string; timezone: string };
  stores: { org_id: string; code: string; external_id: string | null; name: string | null };
  tills: { org_id: string; code: string; store_code: string };
  customers: {
    org_id: string;
    user_id: number;
    mobile: string | null;
    email: string | null;
    external_id: string | null;
    group_id: number | null;
  };
  cards: { org_id: string; number: string; external_id: string | null; user_id: number };
  user_groups: { org_id: string; group_id: number; external_id: string | null; primary_user_id: number };
  transactions: {
    org_id: string;
    loyalty_log_id: number;
    bill_number: string;
    date: string;
    local_date: string;
    store_code: string;
    user_id: number;
    group_id: number | null;
    amount: string;
  };
  line_items: { org_id: string; item_id: number; loyalty_log_id: number; sku: string | null; amount: string | null; qty: number | null };
  trackers: { org_id: string; id: number; name: string; type: string; window_start: string; window_end: string };
  programs: { org_id: string; id: number; name: string; is_default: number };
  expiry_strategies: {
    org_id: string;
    program_id: number;
    id: number;
    name: string;
    kind: string;
    days: number | null;
    months: number | null;
    date: string | null;
  };
  promotions: { org_id: string; identifier: string; name: string; program_id: number; created_at: string };
  templates: {
    id: string;
    org_id: string;
    name: string;
    profile: string;
    current_version: number;
    created_at: string;
    updated_at: string;
  };
  template_versions: {
    template_id: string;
    version: number;
    body: string;
    promotion_identifier: string | null;
    created_at: string;
  };
  jobs: {
    id: string;
    org_id: string;
    template_id: string;
    template_version: number;
    profile: string;
    dry_run: number;
    allow_duplicate: number;
    status: string;
    file_path: string;
    file_name: string;
    file_sha256: string | null;
    file_size: number;
    header: string | null;
    auto_mapped: string | null;
    rows_known: number | null;
    checkpoint_row: number;
    rows_total: number;
    rows_valid: number;
    rows_rejected: number;
    rows_imported: number;
    error_counts: string;
    file_error: string | null;
    promotion_identifier: string | null;
    created_at: string;
    started_at: string | null;
    finished_at: string | null;
    seq: number;
    file_id: string | null;
    source_job_id: string | null;
    runner: string | null;
    heartbeat_at: string | null;
    cancel_requested: number;
    /** 1 when the job was handed to the worker processes (migration 0007_job_queue). */
    queued?: number;
  };
  job_ranges: {
    job_id: string;
    first_row: number;
    last_row: number;
    runner: string | null;
    heartbeat_at: string | null;
  };
  files: {
    id: string;
    org_id: string;
    name: string;
    bytes: number;
    sha256: string;
    path: string;
    origin: string;
    created_at: string;
  };
  file_pieces: {
    file_id: string;
    seq: number;
    data: Uint8Array;
  };
  job_rejections: {
    job_id: string;
    row_number: number;
    code: string;
    field: string | null;
    value: string | null;
    message: string;
    cells: string;
  };
  api_keys: {
    id: string;
    org_id: string;
    key_hash: string;
    label: string | null;
    created_at: string;
    revoked_at: string | null;
  };
}
