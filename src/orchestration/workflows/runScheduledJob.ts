// A schedule's action: one run per slot, started by Temporal's Schedule. It enqueues the slot's
// job (a row keyed by schedule and slot time, so a repeat finds it) and runs the job workflow as
// its child, so the schedule's overlap policy sees the job itself run: `skip` skips a slot while
// the previous job is still running, `cancel_other` kills it. Deterministic: no I/O here.
import {
  ParentClosePolicy,
  executeChild,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  workflowInfo,
} from '@temporalio/workflow';
import {
  SearchAttributeType,
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdReusePolicy,
  defineSearchAttributeKey,
} from '@temporalio/common';
import type { JobActivities, ScheduledJobSpec } from '../../core/activityContract.js';
import type { JobWorkflowResult } from '../../core/interfaces.js';
import { jobStartOptions } from '../../core/jobStartOptions.js';
import type { runJob } from './runJob.js';

/** Set by Temporal on every workflow a Schedule starts: the slot's nominal time. */
const SCHEDULED_START_TIME = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

const CONTROL_OPTIONS = {
  startToCloseTimeout: '30s',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '30s' },
} as const;
const control = proxyActivities<JobActivities>(CONTROL_OPTIONS);
/** Writing the slot's row is a database step only: locally, it does not wait behind HTTP calls. */
const controlLocally = proxyLocalActivities<JobActivities>(CONTROL_OPTIONS);
/** patched() id: slots started before it enqueue with a regular activity instead. */
const ENQUEUE_SLOT_LOCALLY = 'enqueue-slot-locally';

export type ScheduledJobResult =
  | { jobId: string; status: 'invalid'; reason: string }
  /** The bridge (or an earlier try) started the job's workflow; it runs on its own. */
  | { jobId: string; status: 'started-elsewhere'; workflowId: string }
  | ({ jobId: string } & JobWorkflowResult);

export async function runScheduledJob(spec: ScheduledJobSpec): Promise<ScheduledJobResult> {
  const info = workflowInfo();
  const slot = info.typedSearchAttributes.get(SCHEDULED_START_TIME) ?? info.startTime;
  const args = { spec, slotMs: slot.getTime() };
  const prepared = await (patched(ENQUEUE_SLOT_LOCALLY) ? controlLocally : control).enqueueScheduledJob(args);
  if (!prepared.ok) {
    setCurrentDetails(`job ${prepared.jobId} cannot run: ${prepared.reason}`);
    return { jobId: prepared.jobId, status: 'invalid', reason: prepared.reason };
  }
  setCurrentDetails(`slot ${slot.toISOString()}: job ${prepared.jobId}`);
  try {
    const result = await executeChild<typeof runJob>('runJob', {
      workflowId: prepared.workflowId,
      taskQueue: prepared.taskQueue,
      args: [prepared.input],
      priority: prepared.priority,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      // This run cancelled or terminated (overlap cancel_other/terminate_other): kill the job,
      // which mirrors the kill to its row.
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
      ...jobStartOptions(prepared.input),
    });
    return { jobId: prepared.jobId, ...result };
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) {
      return { jobId: prepared.jobId, status: 'started-elsewhere', workflowId: prepared.workflowId };
    }
    throw error;
  }
}
