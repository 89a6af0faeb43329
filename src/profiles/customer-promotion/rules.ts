import { type ExpiryRule, expiresAt } from '../../core/expiry.js';
import { FileError, type RowIssue } from '../../core/error-codes.js';
import { isoInZone } from '../../core/timezone.js';
import type { ExpiryStrategy, Program, Promotion } from '../../domain/programs.js';
import { insertRows, insertRowsUnlessPresent, PROMOTIONS } from '../../store/tables.js';
import { isIssue, type Party, resolveParties } from '../shared/parties.js';
import { mandatoryFieldKeys } from '../mandatory.js';
import { StoreMatcher } from '../shared/stores.js';
import type { ChunkResult, ParsedRow, PreparedProfile, PrepareContext, SuccessReport } from '../types.js';
import type { CustomerPromotionConfig } from './definition.js';
import { CUSTOMER_PROMOTION_FIELDS } from './fields.js';
import { type LedgerRow, ledgerOfJob, POINTS_LEDGER } from './ledger.js';

/**
 * The Customer Promotion rules (spec: profiles.md, "Customer Promotion"), after the engine's
 * rules 1–2 (mandatory values, points a decimal greater than zero): 3 customer or group,
 * 4 till or store. Every accepted row is its own award: one ledger entry.
 */
export async function prepareCustomerPromotion(ctx: PrepareContext<CustomerPromotionConfig>): Promise<PreparedProfile> {
  const { org, config, store } = ctx;
  const program = pickProgram(await store.listPrograms(org.id), config, org.id);
  const strategy = pickStrategy(program, config);
  const stores = await StoreMatcher.load(store, org, { tills: true, storesByExternalId: config.storesByExternalId, replaceInvalidStoreWith: config.replaceInvalidStoreWith });

  // The promotion: created by the first chunk an import commits, unless the org has it already.
  // A promotion belongs to one program: points awarded under it are that program's.
  let promotion: Promotion | null = null;
  if (ctx.promotionIdentifier !== null) {
    const existing = await store.findPromotion(org.id, ctx.promotionIdentifier);
    if (existing && existing.name !== config.promotionName) {
      throw new FileError(
        'PROMOTION_NAME_MISMATCH',
        `Promotion "${ctx.promotionIdentifier}" exists with the name "${existing.name}", not "${config.promotionName}"; set promotionName to "${existing.name}" or use another promotionIdentifier`,
      );
    }
    if (existing && existing.programId !== program.id) {
      throw new FileError(
        'INVALID_TEMPLATE',
        `Template "config.program": promotion "${existing.identifier}" belongs to program ${existing.programId}, not to program ${program.id} "${program.name}"; name program ${existing.programId} or use another promotionIdentifier`,
      );
    }
    promotion = existing ?? { identifier: ctx.promotionIdentifier, name: config.promotionName, programId: program.id };
  }
  const issuedAtMs = Date.parse(ctx.startedAt);
  const issuedAt = isoInZone(org.timezone, issuedAtMs);
  const expiry = expiresAt(ruleOf(strategy), issuedAtMs, org.timezone);

  const prepared: PreparedProfile<Array<Party | RowIssue>> = {
    // As the fields declare it (fields.ts), which is also what GET /api/profiles tells a form.
    mandatoryFields: mandatoryFieldKeys(CUSTOMER_PROMOTION_FIELDS, config),
    optionalFields: config.userGroup2Enabled ? ['customer'] : [],
    prefetch: (rows) => resolveParties(rows, org, config, store),
    async resolve(rows: ParsedRow[], parties): Promise<ChunkResult> {
      if (promotion === null) throw new Error('a Customer Promotion job runs with its template version\'s promotion identifier');
      const award = promotion;
      const rejected: ChunkResult['rejected'] = [];
      const entries: LedgerRow[] = [];
      // 3. The customer (or group) is found (looked up by prefetch).
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i]!;
        const party = parties[i]!;
        if (isIssue(party)) {
          rejected.push({ row, issue: party });
          continue;
        }
        // 4. The till or store is found (a till code wins over a store code).
        const place = stores.match(row.raw.storeCode!, 'storeCode');
        if (isIssue(place)) {
          rejected.push({ row, issue: place });
          continue;
        }
        // 5. Each row is its own award.
        entries.push({
          org_id: org.id,
          job_id: ctx.jobId,
          row_number: row.rowNumber,
          user_id: party.userId,
          group_id: party.groupId,
          points: row.values.points as string,
          promotion_identifier: award.identifier,
          program_id: program.id,
          store_code: place.storeCode,
          till_code: place.tillCode,
          issued_at: issuedAt,
          expires_at: expiry,
        });
      }
      // In the order of the ledger's index by customer, which the entries then fill page after page.
      entries.sort((x, y) => (x.user_id ?? 0) - (y.user_id ?? 0) || (x.group_id ?? 0) - (y.group_id ?? 0));
      // The promotion first: created by the first chunk an import commits, unless the org has it.
      const promotionRow = { org_id: org.id, identifier: award.identifier, name: award.name, program_id: award.programId, created_at: new Date().toISOString() };
      return { rejected, writes: [insertRowsUnlessPresent(PROMOTIONS, [promotionRow]), insertRows(POINTS_LEDGER, entries)], accepted: entries.length };
    },
  };
  return prepared;
}

function pickProgram(programs: Program[], config: CustomerPromotionConfig, orgId: string): Program {
  const wanted = config.program;
  if (wanted === null || wanted === undefined) {
    const fallback = programs.find((p) => p.isDefault);
    if (!fallback) throw new FileError('INVALID_TEMPLATE', `Template "config.program": org "${orgId}" has no default program; name one in config.program`);
    return fallback;
  }
  const found = programs.find((p) => (typeof wanted === 'number' ? p.id === wanted : p.name === wanted || String(p.id) === wanted));
  if (!found) {
    throw new FileError(
      'INVALID_TEMPLATE',
      `Template "config.program": ${JSON.stringify(wanted)} is not a program of org "${orgId}"${programs.length ? `; its programs are ${programs.map((p) => `${p.id} "${p.name}"`).join(', ')}` : ''}`,
    );
  }
  return found;
}

function pickStrategy(program: Program, config: CustomerPromotionConfig): ExpiryStrategy | null {
  const wanted = config.expiryStrategy;
  if (wanted === null || wanted === undefined) return null;
  const found = program.expiryStrategies.find((s) => (typeof wanted === 'number' ? s.id === wanted : s.name === wanted || String(s.id) === wanted));
  if (!found) {
    throw new FileError(
      'INVALID_TEMPLATE',
      `Template "config.expiryStrategy": ${JSON.stringify(wanted)} is not an expiry strategy of program "${program.name}"${program.expiryStrategies.length ? `; its strategies are ${program.expiryStrategies.map((s) => `${s.id} "${s.name}"`).join(', ')}` : ''}`,
    );
  }
  return found;
}

/** The rule of a stored strategy; no strategy means the points never expire. */
function ruleOf(strategy: ExpiryStrategy | null): ExpiryRule {
  if (strategy === null) return { kind: 'NEVER' };
  switch (strategy.kind) {
    case 'AFTER_DAYS':
      return { kind: 'AFTER_DAYS', days: strategy.days ?? 0 };
    case 'END_OF_MONTH_AFTER':
      return { kind: 'END_OF_MONTH_AFTER', months: strategy.months ?? 0 };
    case 'FIXED_DATE':
      return { kind: 'FIXED_DATE', date: strategy.date! };
    case 'NEVER':
      return { kind: 'NEVER' };
    default: {
      const never: never = strategy.kind;
      throw new Error(`unknown expiry kind ${String(never)}`);
    }
  }
}

export const customerPromotionSuccessReport: SuccessReport = {
  columns: ['row_number', 'user_id', 'group_id', 'points', 'promotion_identifier', 'store_code', 'till_code', 'issued_at', 'expires_at'],
  async *rows(store, jobId) {
    for await (const page of ledgerOfJob(store, jobId)) {
      yield page.map((e) => [e.rowNumber, e.userId, e.groupId, e.points, e.promotionIdentifier, e.storeCode, e.tillCode, e.issuedAt, e.expiresAt]);
    }
  },
};
