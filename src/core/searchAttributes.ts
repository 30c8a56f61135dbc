// Custom search attributes, so `JobStatus = "failed"` works in the Temporal UI's filter.
// The runner registers them on start; tests pass them to `temporal server start-dev`.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const JOB_ID = defineSearchAttributeKey('JobId', SearchAttributeType.KEYWORD);
export const JOB_TABLE = defineSearchAttributeKey('JobTable', SearchAttributeType.KEYWORD);
export const JOB_BACKEND = defineSearchAttributeKey('JobBackend', SearchAttributeType.KEYWORD);
export const JOB_PATH = defineSearchAttributeKey('JobPath', SearchAttributeType.KEYWORD);
export const JOB_STATUS = defineSearchAttributeKey('JobStatus', SearchAttributeType.KEYWORD);

/** Name → type, in the form `temporal server start-dev --search-attribute` and the operator API take. */
export const JOB_SEARCH_ATTRIBUTES: Record<string, 'Keyword'> = {
  JobId: 'Keyword',
  JobTable: 'Keyword',
  JobBackend: 'Keyword',
  JobPath: 'Keyword',
  JobStatus: 'Keyword',
};
