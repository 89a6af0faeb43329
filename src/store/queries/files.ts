import type { StoredFile } from '../../domain/files.js';
import { FINAL_STATUSES } from '../../domain/jobs.js';
import type { FileStore } from '../port.js';
import type { Queries } from './queries.js';
import { toFile } from './row-mappers.js';

/** The records of the files in the store's file storage (their bytes are `FileBytes`'). */
export class FileRecords implements Omit<FileStore, 'fileBytes'> {
  constructor(private readonly q: Queries) {}

  async addFile(file: StoredFile): Promise<void> {
    await this.q.db
      .insertInto('files')
      .values({
        id: file.id,
        org_id: file.orgId,
        name: file.name,
        bytes: file.bytes,
        sha256: file.sha256,
        path: file.path,
        origin: file.origin,
        created_at: file.createdAt,
      })
      .execute();
  }

  async getFile(orgId: string, fileId: string): Promise<StoredFile | null> {
    const row = await this.q.db.selectFrom('files').selectAll().where('id', '=', fileId).where('org_id', '=', orgId).executeTakeFirst();
    return row ? toFile(row) : null;
  }

  async deleteFile(fileId: string): Promise<void> {
    await this.q.db.deleteFrom('files').where('id', '=', fileId).execute();
  }

  async expiredFiles(before: string): Promise<StoredFile[]> {
    const rows = await this.q.db
      .selectFrom('files')
      .selectAll()
      .where('created_at', '<', before)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('jobs')
              .select('jobs.id')
              .whereRef('jobs.file_id', '=', 'files.id')
              .where('jobs.status', 'not in', [...FINAL_STATUSES]),
          ),
        ),
      )
      .execute();
    return rows.map(toFile);
  }
}
